import { LifecycleError } from "../../domain/errors.ts";
import type {
  Docs,
  DocsCredential,
  DocsPerson,
  NewDocsCredential,
  NewDocsPerson,
} from "../../ports/index.ts";
import { VendorError } from "../http/index.ts";
import type { HuduApi } from "./api.ts";
import { fieldKey, sameField, type HuduConfig } from "./config.ts";
import type { HuduAsset, HuduPassword } from "./shapes.ts";

/** Hudu's ids are integers; anything else names nothing there. */
function huduId(id: string, what: string): number {
  const trimmed = id.trim();
  if (!/^\d{1,15}$/.test(trimmed))
    throw new LifecycleError({
      kind: "not-found",
      code: "OBJECT_NOT_FOUND",
      message: `"${id}" is not a Hudu ${what} id`,
    });
  return Number(trimmed);
}

const sameAddress = (a: unknown, b: string): boolean =>
  typeof a === "string" && a.trim().toLowerCase() === b.trim().toLowerCase();

/** A field's value as text, whichever way the layout's field type answers it. */
function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

/** The secret, wherever a vendor's refusal might have echoed it, replaced before the error travels on. */
function scrubbed(error: unknown, secret: string | undefined): unknown {
  if (!secret || !(error instanceof LifecycleError)) return error;
  const vendor = error.failure.vendor;
  if (!error.failure.message.includes(secret) && !vendor?.body?.includes(secret)) return error;
  const clean = (s: string) => s.split(secret).join("[redacted]");
  return new VendorError({
    api: vendor?.api ?? "hudu",
    kind: error.failure.kind,
    code: error.failure.code ?? "VENDOR_ERROR",
    message: clean(error.failure.message),
    ...(vendor?.status !== undefined ? { status: vendor.status } : {}),
    ...(vendor?.code !== undefined ? { vendorCode: vendor.code } : {}),
    ...(error.failure.requestId !== undefined ? { requestId: error.failure.requestId } : {}),
    ...(vendor?.body !== undefined ? { body: clean(vendor.body) } : {}),
    ...(error.failure.retryAfterMs !== undefined ? { retryAfterMs: error.failure.retryAfterMs } : {}),
  });
}

/**
 * The docs port over Hudu, for one client (config.companyId). A person is an asset of the People layout
 * (config.peopleLayoutId) found by `search` on the address and matched on primary_mail or the email field;
 * retiring keeps the note in the notes field, then archives the asset. A credential is an asset password
 * linked to the person (passwordable_type "Asset"); its secret is sent only when there is one and never
 * kept from an answer.
 */
export function huduDocs(api: HuduApi, config: HuduConfig): Docs {
  const { companyId, peopleLayoutId, fields } = config;

  const fieldValue = (asset: HuduAsset, label: string | false): string | undefined => {
    if (label === false) return undefined;
    const found = (asset.fields ?? []).find((f) => sameField(f.label, label));
    return found ? textOf(found.value) : undefined;
  };

  const ours = (asset: HuduAsset) =>
    asset.company_id === companyId && asset.asset_layout_id === peopleLayoutId;

  const urlOf = (url: string | null | undefined): string | undefined =>
    url ? (URL.canParse(url) ? url : new URL(url, config.baseUrl).toString()) : undefined;

  const personOf = (asset: HuduAsset, fallback?: { name: string; email: string }): DocsPerson => {
    const url = urlOf(asset.url);
    return {
      id: String(asset.id),
      name: asset.name ?? fallback?.name ?? "",
      email: asset.primary_mail || fieldValue(asset, fields.email) || fallback?.email || "",
      retired: asset.archived === true,
      ...(url ? { url } : {}),
    };
  };

  const credentialOf = (p: HuduPassword, archived: boolean): DocsCredential => ({
    id: String(p.id),
    name: p.name,
    username: p.username ?? "",
    archived,
  });

  return {
    vendor: "Hudu",
    async findPerson(email) {
      const address = email.trim();
      // Hudu lists archived assets only when asked (`archived=true`): the live ones first, as a person
      // is usually live, then the archived ones, since a retired person is still the one with the address.
      for (const archived of [false, true]) {
        const assets = await api.assets({
          company_id: companyId,
          asset_layout_id: peopleLayoutId,
          search: address,
          archived,
        });
        // `search` matches anywhere in the asset: the address itself is checked here.
        const found = assets.find(
          (a) =>
            ours(a) &&
            (sameAddress(a.primary_mail, address) || sameAddress(fieldValue(a, fields.email), address)),
        );
        if (found) return personOf(found);
      }
      return undefined;
    },

    async createPerson(person: NewDocsPerson) {
      const name = `${person.firstName} ${person.lastName}`.trim();
      const custom: [string | false, string | undefined][] = [
        [fields.email, person.email],
        [fields.title, person.title],
        [fields.phone, person.phone],
        [fields.notes, person.notes],
      ];
      const created = await api.createAsset(companyId, {
        name,
        asset_layout_id: peopleLayoutId,
        primary_mail: person.email,
        custom_fields: custom.flatMap(([label, value]) =>
          label !== false && value ? [{ [fieldKey(label)]: value }] : [],
        ),
      });
      return personOf(created, { name, email: person.email });
    },

    async retirePerson(personId, note) {
      const id = huduId(personId, "asset");
      const asset = await api.asset(companyId, id);
      // Gone already, or retired already: nothing to add (the note went in with the first retirement).
      if (!asset || asset.archived === true) return;
      if (fields.notes !== false) {
        const kept = fieldValue(asset, fields.notes) ?? "";
        // A retry after the note was written but before the archive finds it there and does not repeat it.
        if (!kept.includes(note.trim()))
          await api.updateAsset(companyId, id, {
            name: asset.name ?? "",
            custom_fields: [
              { [fieldKey(fields.notes)]: kept.trim() ? `${kept.trimEnd()}\n\n${note}` : note },
            ],
          });
      }
      try {
        await api.archiveAsset(companyId, id);
      } catch (error) {
        // Deleted between the read and the archive: as gone as archived.
        if (error instanceof VendorError && error.failure.kind === "not-found") return;
        throw error;
      }
    },

    async findCredential(personId, name) {
      if (!/^\d{1,15}$/.test(personId.trim())) return undefined;
      const person = Number(personId.trim());
      for (const archived of [false, true]) {
        const entries = await api.passwords({ company_id: companyId, name: name.trim(), archived });
        const found = entries.find(
          (p) =>
            p.passwordable_type === "Asset" &&
            p.passwordable_id === person &&
            p.name.trim().toLowerCase() === name.trim().toLowerCase(),
        );
        if (found) return credentialOf(found, archived);
      }
      return undefined;
    },

    async storeCredential(credential: NewDocsCredential) {
      const person = huduId(credential.personId, "asset");
      try {
        const created = await api.createPassword({
          company_id: companyId,
          name: credential.name,
          username: credential.username,
          ...(credential.secret ? { password: credential.secret } : {}),
          ...(credential.url ? { url: credential.url } : {}),
          description: credential.notes,
          passwordable_type: "Asset",
          passwordable_id: person,
          ...(config.passwordFolderId !== undefined ? { password_folder_id: config.passwordFolderId } : {}),
        });
        return credentialOf(created, false);
      } catch (error) {
        throw scrubbed(error, credential.secret);
      }
    },

    async retireCredential(credentialId) {
      const id = huduId(credentialId, "password");
      try {
        // Archiving an archived entry leaves it archived: the same call twice is the same state.
        await api.archivePassword(id);
      } catch (error) {
        if (error instanceof LifecycleError && error.failure.kind === "not-found") return;
        throw error;
      }
    },
  };
}
