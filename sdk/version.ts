export const PRODUCT_NAME = "BurstFlare";
export const API_VERSION = "0.1.0";
