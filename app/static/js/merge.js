// Merging two leads: pick mode (the next lead clicked on the map or in the list is the other
// one), then a confirm dialog that says which lead becomes the duplicate.
import { api } from "./api.js";
import { $ } from "./dom.js";
import { onLangChange, t } from "./i18n.js";
import { clearToast, toast } from "./toast.js";

/**
 * `onPick(active)` when pick mode starts or ends; `onMerged(target, source)` after a merge.
 */
export function mergeFlow({ onPick, onMerged, onError }) {
  const banner = $("#pick-banner");
  const dialog = $("#merge-dialog");
  const text = $(".merge-text", dialog);
  const note = $("textarea", dialog);
  const confirm = $("[data-testid=merge-confirm]", dialog);
  let keep = null; // the open lead, by default the target (kept)
  let pair = null; // {target, source}

  const describe = () => {
    if (keep) $(".pick-text", banner).textContent = t("pick_prompt", { id: keep.id });
    if (pair) text.textContent = t("merge_text", pair);
  };

  function stop() {
    keep = null;
    pair = null;
    banner.hidden = true;
    if (dialog.open) dialog.close();
    onPick(false);
  }

  function start(lead, presetNote) {
    keep = lead;
    note.value = presetNote || "";
    banner.hidden = false;
    describe();
    onPick(true);
  }

  /** Called instead of opening a lead while picking. */
  function picked(id) {
    if (id === keep.id) {
      toast(t("pick_self"), "error");
      return;
    }
    pair = { target: keep.id, source: id };
    if (!note.value.trim()) note.value = t("merge_default_note");
    describe();
    dialog.showModal();
  }

  $(".merge-swap", dialog).addEventListener("click", () => {
    pair = { target: pair.source, source: pair.target };
    describe();
  });
  $(".merge-cancel", dialog).addEventListener("click", stop);
  $(".pick-cancel", banner).addEventListener("click", stop);
  dialog.addEventListener("cancel", stop);
  confirm.addEventListener("click", async () => {
    clearToast();
    confirm.disabled = true;
    try {
      const done = { ...pair };
      await api("/api/v1/leads/merge", { method: "POST", json: { ...done, note: note.value.trim() || t("merge_default_note") } });
      stop();
      onMerged(done.target, done.source);
    } catch (err) {
      onError(err);
    } finally {
      confirm.disabled = false;
    }
  });
  onLangChange(describe);

  return { start, picked, stop, picking: () => keep !== null };
}
