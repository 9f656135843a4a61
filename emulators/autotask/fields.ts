import type { Database, EntityName, PicklistField } from "./model.ts";

/**
 * What `GET /V1.0/{Entity}/entityInformation/fields` describes for each entity the emulator keeps: the
 * spec's FieldInformationModel in the wire's camelCase. Lengths and required fields are the ones the
 * emulator's writes enforce (entities.ts), so the description and the checks cannot disagree.
 */
interface FieldSpec {
  name: string;
  dataType: "long" | "integer" | "string" | "datetime" | "short";
  length?: number;
  required?: boolean;
  readOnly?: boolean;
  reference?: string;
  /** Its values are the database's picklist of that name. */
  picklist?: PicklistField;
}

const id: FieldSpec = { name: "id", dataType: "long", required: true, readOnly: true };

export const entityFields: Record<EntityName, FieldSpec[]> = {
  Contacts: [
    id,
    { name: "companyID", dataType: "integer", required: true, reference: "Company" },
    { name: "companyLocationID", dataType: "integer", reference: "CompanyLocation" },
    { name: "firstName", dataType: "string", length: 50, required: true },
    { name: "lastName", dataType: "string", length: 50, required: true },
    { name: "emailAddress", dataType: "string", length: 254 },
    { name: "title", dataType: "string", length: 50 },
    { name: "phone", dataType: "string", length: 25 },
    { name: "isActive", dataType: "integer", required: true },
    { name: "externalID", dataType: "string", length: 50 },
    { name: "createDate", dataType: "datetime", readOnly: true },
    { name: "lastModifiedDate", dataType: "datetime", readOnly: true },
  ],
  Tickets: [
    id,
    { name: "ticketNumber", dataType: "string", length: 50, readOnly: true },
    { name: "companyID", dataType: "integer", required: true, reference: "Company" },
    { name: "companyLocationID", dataType: "integer", reference: "CompanyLocation" },
    { name: "contactID", dataType: "integer", reference: "Contact" },
    { name: "title", dataType: "string", length: 255, required: true },
    { name: "description", dataType: "string", length: 8000 },
    { name: "status", dataType: "integer", required: true, picklist: "status" },
    { name: "priority", dataType: "integer", required: true, picklist: "priority" },
    { name: "queueID", dataType: "integer", picklist: "queueID" },
    { name: "ticketType", dataType: "integer", picklist: "ticketType" },
    { name: "externalID", dataType: "string", length: 50 },
    { name: "createDate", dataType: "datetime", readOnly: true },
    { name: "completedDate", dataType: "datetime", readOnly: true },
    { name: "lastActivityDate", dataType: "datetime", readOnly: true },
  ],
  TicketNotes: [
    id,
    { name: "ticketID", dataType: "integer", required: true, reference: "Ticket" },
    { name: "title", dataType: "string", length: 250 },
    { name: "description", dataType: "string", length: 3200, required: true },
    { name: "noteType", dataType: "integer", required: true, picklist: "noteType" },
    { name: "publish", dataType: "integer", required: true, picklist: "publish" },
    { name: "createDateTime", dataType: "datetime", readOnly: true },
    { name: "lastActivityDate", dataType: "datetime", readOnly: true },
  ],
};

/**
 * The answer: `{"fields": [...]}`, every field with its flags; a picklist field carries its values, each
 * value as text (the spec's PickListValue.Value is a string), inactive ones included with isActive false.
 */
export function fieldInformation(db: Database, entity: EntityName): unknown {
  return {
    fields: entityFields[entity].map((f) => ({
      name: f.name,
      dataType: f.dataType,
      length: f.length ?? 0,
      isRequired: f.required === true,
      isReadOnly: f.readOnly === true,
      isQueryable: true,
      isReference: f.reference !== undefined,
      referenceEntityType: f.reference ?? "",
      isPickList: f.picklist !== undefined,
      picklistValues: f.picklist
        ? db.picklists[f.picklist].map((v, i) => ({
            value: String(v.value),
            label: v.label,
            isDefaultValue: false,
            sortOrder: i,
            parentValue: "",
            isActive: v.isActive,
            isSystem: v.isSystem === true,
          }))
        : null,
      picklistParentValueField: "",
    })),
  };
}
