// Start-up and wiring: sign-in, the map and its layers, the list, the detail and the panels.
import { airToggles } from "./air.js";
import { api } from "./api.js";
import { authFlow } from "./auth.js";
import { setConfig } from "./config.js";
import { baseMap, createMap } from "./basemap.js";
import { leadDetail } from "./detail.js";
import { $, debounce } from "./dom.js";
import { filterBar } from "./filters.js";
import { applyStatic, isEn, onLangChange, setLang, t } from "./i18n.js";
import { imageryToggle } from "./imagery.js";
import { leadsLayer } from "./leads_layer.js";
import { legend } from "./legend.js";
import { leadList } from "./list.js";
import { mergeFlow } from "./merge.js";
import { isOn, layerSwitcher, zoneToggles } from "./overlays.js";
import { overduePanel } from "./overdue.js";
import { wireLightbox } from "./photos.js";
import { canWork, setOrganisations, setUser } from "./role.js";
import { onFiltersChange, openLead, setOpenLead, setView, view } from "./state.js";
import { toast, wireToast } from "./toast.js";

/* global L */

const showError = (err) => toast(err.message, "error");
let app = null;

function lookupsOf(orgs, users) {
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const userById = new Map(users.map((u) => [u.id, u]));
  return {
    orgName: (id) => {
      const o = orgById.get(id);
      return o ? (isEn() && o.name_en ? o.name_en : o.name) : `#${id}`;
    },
    userName: (id) => userById.get(id)?.display_name || userById.get(id)?.username || `#${id}`,
  };
}

function showUser(me, orgs) {
  const org = orgs.find((o) => o.code === me.org_code);
  $("#user-name").textContent = me.display_name || me.username;
  $("#user-org").textContent = org ? (isEn() && org.name_en ? org.name_en : org.name) : me.org_code;
}

/** Resolves once the map has stopped moving (at once when it is still). */
function settledMap(map) {
  let moving = false;
  map.on("movestart", () => { moving = true; });
  map.on("moveend", () => { moving = false; });
  return () => new Promise((resolve) => (moving ? map.once("moveend", resolve) : resolve()));
}

async function start(config, me) {
  setConfig(config);
  setUser(me);
  // Partners list no colleagues (they assign nothing).
  const [layers, orgs, users] = await Promise.all([
    api("/api/v1/layers"),
    api("/api/v1/organisations"),
    canWork() ? api("/api/v1/users").catch(() => []) : [],
  ]);
  setOrganisations(orgs);
  showUser(me, orgs);
  onLangChange(() => showUser(me, orgs));
  const lookups = lookupsOf(orgs, users);
  const side = $(".side");
  const map = createMap($("#map"), config, view());
  const settled = settledMap(map);
  new ResizeObserver(() => map.invalidateSize()).observe($("#map"));

  // The panels call each other through these functions (wired below).
  const showDetail = (on) => side.classList.toggle("show-detail", on);
  const openById = (id) => {
    setOpenLead(id);
    showDetail(true);
    return detail.open(id);
  };
  const leadClicked = (id) => (merge.picking() ? merge.picked(id) : openById(id));
  const refreshAll = () => Promise.all([leads.load(), list.refresh(), overdue.refresh()]);

  const leads = leadsLayer(map, { onLeadClick: leadClicked, onLeadHover: (id) => list.mark(id), onError: showError });
  const list = leadList($("#list-view"), map, {
    lookups, onOpen: leadClicked, onHover: (lead) => leads.highlight(lead), onError: showError,
  });
  const detail = leadDetail($("[data-testid=lead-detail]"), {
    lookups,
    onError: showError,
    onLoaded: (lead) => {
      leads.select(lead);
      list.select(lead.id);
      const here = L.latLng(lead.lat, lead.lon);
      if (!map.getBounds().contains(here)) map.setView(here, Math.max(map.getZoom(), 11));
    },
    onDone: async (message) => {
      toast(message, "ok");
      await detail.open(detail.current().id);
      refreshAll();
    },
    startMerge: (lead, note) => merge.start(lead, note),
  });
  const merge = mergeFlow({
    onError: showError,
    onPick: (active) => {
      $("#map").classList.toggle("is-picking", active);
      showDetail(!active && Boolean(detail.current()));
    },
    onMerged: async (target, source) => {
      toast(t("merged", { source, target }), "ok");
      await openById(target, (l) => l.timeline.some((e) => e.action === "merge" && e.change?.from === source));
      refreshAll();
    },
  });
  const overdue = overduePanel({ onOpen: openById, onError: showError });
  const prosecutors = users.filter((u) => u.role === "prosecutor");
  filterBar($("#filters"), { orgs, users: prosecutors, toggle: $("#filters-toggle") });
  $("[data-testid=filter-assignee]").closest(".field").hidden = !canWork(); // no colleagues to name

  const { jurisdictions } = baseMap(map, layers, showError);
  const toggles = [
    { key: "jurisdictions", group: "base", label: () => t("layer_jurisdictions"), layer: jurisdictions, on: true },
    canWork() ? imageryToggle(map, showError) : null, // partners may not read imagery
    ...zoneToggles(map, layers, showError),
    { key: "leads", group: "leads", label: () => t("layer_leads"), layer: leads.layer, on: true },
    ...airToggles(map, showError),
  ].filter(Boolean);
  const key = legend(map, (k) => isOn(map, toggles, k));
  layerSwitcher(map, toggles, key.update);
  key.update();

  $("[data-testid=detail-close]").addEventListener("click", () => {
    merge.stop();
    detail.close();
    showDetail(false);
    setOpenLead(null);
    leads.select(null);
    list.select(null);
  });
  onFiltersChange(() => { leads.load(); list.reload(true); });
  onLangChange(() => list.render());
  const listMoved = debounce(() => list.reload(), 150);
  map.on("moveend", () => {
    const c = map.getCenter();
    setView(c.lat, c.lng, map.getZoom());
    listMoved();
  });

  leads.load();
  list.reload();
  overdue.refresh();
  if (openLead()) openById(openLead());
  window.ecoleads = {
    map,
    /** Re-load the leads and the list of the view (once a movement in progress ends). */
    reload: () => settled().then(() => Promise.all([leads.load(), list.refresh()])),
  };
  return {
    /** Back after a new sign-in; someone else starts afresh (their role, their colleagues). */
    resume: (next) => {
      if (next.id !== me.id) {
        window.location.reload();
        return undefined;
      }
      map.invalidateSize();
      return refreshAll();
    },
  };
}

async function boot() {
  applyStatic();
  wireToast();
  wireLightbox();
  $("[data-testid=lang-toggle]").addEventListener("click", () => setLang(isEn() ? "zh-CN" : "en"));
  const config = api("/api/v1/ui/config");
  // The sign-in form is wired before anything is awaited, so it never submits natively.
  const resume = authFlow({
    onSignedIn: async (me) => {
      try {
        if (app) await app.resume(me);
        else app = await start(await config, me);
      } catch (err) {
        showError(err);
      }
    },
  });
  await resume();
}

boot().catch(showError);
