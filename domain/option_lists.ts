/**
 * @module domain/option_lists
 * The tenant-editable option lists and the values each new tenant starts with (DOMAIN.md).
 * An admin adds, renames and retires values in settings; records keep the value they stored.
 */

export interface OptionListDef {
  key: string;
  label: string;
  seed: readonly string[];
}

export const OPTION_LISTS: readonly OptionListDef[] = [
  {
    key: "protein",
    label: "Proteins",
    seed: ["Beef", "Pork", "Chicken", "Turkey", "Lamb", "Fish", "Horse", "Other"],
  },
  { key: "fresh_frozen", label: "Fresh or frozen", seed: ["Fresh", "Frozen", "Fresh and frozen"] },
  { key: "edible", label: "Edible", seed: ["Edible", "Inedible", "Both"] },
  { key: "weight_type", label: "Net or catch weight", seed: ["Net weight", "Catch weight"] },
  {
    key: "package_type",
    label: "Package types",
    seed: [
      "Boxed wax-lined",
      "Boxed CO2",
      "Combo bins",
      "Totes",
      "Bags",
      "Bulk",
      "Poly multiple",
      "Nude",
    ],
  },
  {
    key: "plant_type",
    label: "Plant types",
    seed: ["Vertical", "Processor", "Distributor", "Renderer", "Cold storage", "Warehouse"],
  },
  {
    key: "certification",
    label: "Certifications",
    seed: [
      "USDA inspection",
      "HACCP",
      "SQF",
      "BRC",
      "IFS",
      "ISO",
      "Halal",
      "Kosher",
      "Organic",
      "Third-party audit",
    ],
  },
  { key: "origin", label: "Origin", seed: ["Domestic", "Imported"] },
  {
    key: "country",
    label: "Countries",
    seed: ["USA", "CAN", "MEX", "BRA", "AUS", "NZL", "ARG", "URY"],
  },
  { key: "shipping", label: "Shipping offered", seed: ["Domestic", "Export"] },
  {
    key: "industry",
    label: "Customer industries",
    seed: ["Pet food", "Processor", "Retail", "Wholesaler", "Food service", "Export"],
  },
  {
    key: "payment_method",
    label: "Payment methods",
    seed: ["Wire", "ACH", "Check", "Credit card", "Cash"],
  },
  {
    key: "terms",
    label: "Payment terms",
    seed: ["Wire 1 day prior", "Net 7", "Net 15", "Net 30", "Net 45", "Net 60"],
  },
  {
    key: "contact_role",
    label: "Contact roles",
    seed: [
      "Sales",
      "Buyer",
      "Accounting / AP",
      "Shipping",
      "Receiving",
      "Operations",
      "Quality",
      "Executive",
      "Documents",
    ],
  },
  {
    key: "appointment_method",
    label: "Appointment methods",
    seed: ["E-mail", "Phone", "Website", "Fax", "First come first served"],
  },
];

export function optionList(key: string): OptionListDef | undefined {
  return OPTION_LISTS.find((list) => list.key === key);
}
