export interface Sku {
  skuId: string;
  skuPartNumber: string;
  enabled: number;
  consumed: number;
}

/**
 * One licence on a user as the directory holds it, direct or through a group. Group-based licences are
 * assigned in the background, so an error is recorded here rather than answered to any call.
 */
export interface LicenseAssignmentState {
  skuId: string;
  /** The id of the group the licence comes through; absent when it is assigned directly. */
  assignedByGroup?: string;
  /** As sent: Graph documents Active, ActiveWithError, Disabled and Error, and tenants answer more. */
  state: "Active" | "ActiveWithSolvedError" | "Processing" | "Error" | (string & {});
  /** The vendor's code as sent when the assignment failed: CountViolation, MutuallyExclusiveViolation, … */
  error?: string;
}

export interface Licensing {
  skus(): Promise<Sku[]>;
  assignedSkuIds(userId: string): Promise<string[]>;
  assign(userId: string, skuId: string): Promise<void>;
  remove(userId: string, skuIds: string[]): Promise<void>;
  /** Every licence assignment of the user, direct ones and those through groups, with its state. */
  assignmentStates(userId: string): Promise<LicenseAssignmentState[]>;
  /**
   * Asks the directory to assign the user's group licences again. It does so by itself only on a later
   * change of the user or group, not when a seat is freed or bought.
   */
  reprocessGroupLicenses(userId: string): Promise<void>;
}
