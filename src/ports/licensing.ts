export interface Sku {
  skuId: string;
  skuPartNumber: string;
  enabled: number;
  consumed: number;
}

export interface Licensing {
  skus(): Promise<Sku[]>;
  assignedSkuIds(userId: string): Promise<string[]>;
  assign(userId: string, skuId: string): Promise<void>;
  remove(userId: string, skuIds: string[]): Promise<void>;
}
