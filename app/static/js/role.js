// The signed-in user and what the UI offers them by role. The API decides; the UI only leaves
// out what it would refuse: partners read the leads shared with them and answer referrals.
import { isEn } from "./i18n.js";

let me = null;
let orgs = [];

/** Keep the signed-in user (GET /api/v1/users/me). */
export const setUser = (user) => { me = user; };

/** Keep the organisations (GET /api/v1/organisations). */
export const setOrganisations = (list) => { orgs = list; };

/** Prosecutors and admins work leads: workflow, assignment, merge, dossier, imagery, referrals. */
export const canWork = () => me?.role === "prosecutor" || me?.role === "admin";

/** The ids of the user's organisation and those below it. */
function ownOrgIds() {
  const mine = orgs.find((o) => o.code === me?.org_code);
  const found = new Set(mine ? [mine.id] : []);
  let grew = true;
  while (grew) {
    grew = false;
    orgs.forEach((o) => {
      if (o.parent_id !== null && found.has(o.parent_id) && !found.has(o.id)) {
        found.add(o.id);
        grew = true;
      }
    });
  }
  return found;
}

/** Whether the user acts for organisation `id` (admins act for all). */
export const actsFor = (id) => me?.role === "admin" || ownOrgIds().has(id);

/** Whether the user may refer the lead and name its co-handlers: its own procuratorate's. */
export const mayRefer = (lead) => canWork() && actsFor(lead.org_id);

/** The partner organisations a lead may be referred to. */
export const partnerOrgs = () => orgs.filter((o) => o.role === "partner");

/** An organisation's id from its code. */
export const orgIdOf = (code) => orgs.find((o) => o.code === code)?.id;

/** The name, in the current language, of an organisation given as {code, name}. */
export function orgNameOf(ref) {
  const o = orgs.find((x) => x.code === ref.code);
  return o && isEn() && o.name_en ? o.name_en : ref.name;
}

/** Every organisation (own and partner). */
export const organisations = () => orgs;
