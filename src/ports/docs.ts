/**
 * The IT documentation an MSP keeps of each client: IT Glue and Hudu serve it. A connector instance is
 * bound to one client's organisation (IT Glue) or company (Hudu) by its config, so nothing here names one.
 *
 * A person is IT Glue's contact, or Hudu's asset of the client's People layout (Hudu has no contacts).
 * A credential is a password entry linked to that person: IT Glue's embedded password, Hudu's asset
 * password. Storing one is the only place a secret leaves Lifecycle for another system.
 */

export interface DocsPerson {
  /** The documentation's own id, as text whatever its type there. */
  id: string;
  name: string;
  email: string;
  /**
   * Marked as gone, as the client's setting says: IT Glue's contact moved to the "former" contact type
   * (it has no active flag), Hudu's asset archived.
   */
  retired: boolean;
  /** Where a person opens it in the documentation's web UI, when the connector knows. */
  url?: string;
}

export interface NewDocsPerson {
  firstName: string;
  lastName: string;
  /** The work address: the person's key here, looked up before anything is created. */
  email: string;
  title?: string;
  phone?: string;
  /** Free text kept with the person (department, manager, start). */
  notes?: string;
}

export interface DocsCredential {
  id: string;
  /** Unique per person by convention ("Sarah Johnson – Microsoft 365"): how a retried store finds it. */
  name: string;
  username: string;
  archived: boolean;
  url?: string;
}

export interface NewDocsCredential {
  name: string;
  username: string;
  /**
   * The generated password, where the onboarding made one. Absent for a pass-only onboarding: the entry
   * then records the sign-in name and, in `notes`, where the pass went.
   */
  secret?: string;
  /** The sign-in page the credential is for. */
  url?: string;
  /** Never a secret: what the entry is and where a pass went. */
  notes: string;
  /** The person the entry is linked to (DocsPerson.id). */
  personId: string;
}

export interface Docs {
  /** What people call the product ("IT Glue", "Hudu"): what the run's words name it by. */
  readonly vendor: string;
  /** The person with this work address in the client's documentation, retired or not. */
  findPerson(email: string): Promise<DocsPerson | undefined>;
  /** In the client's organisation or company (Hudu: in its People layout). */
  createPerson(person: NewDocsPerson): Promise<DocsPerson>;
  /**
   * Marks the person as gone, as the client's setting says, and keeps `note` with them (why, when, the
   * licences released). Again on a retired person only adds nothing.
   */
  retirePerson(personId: string, note: string): Promise<void>;
  /** The person's credential entry with this name, archived or not. */
  findCredential(personId: string, name: string): Promise<DocsCredential | undefined>;
  /** A new entry in the client's password vault, linked to the person. */
  storeCredential(credential: NewDocsCredential): Promise<DocsCredential>;
  /** Archives the entry (or, where the vault cannot archive, marks it in its notes as no longer in use). */
  retireCredential(credentialId: string, note: string): Promise<void>;
}
