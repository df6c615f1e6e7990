/**
 * @module ai/offline/receipt
 * Whether a bill of lading came back signed for receipt: a BOL the consignee signed, dated and
 * noted ("Received in good order", a receiver's name on the signature line, the date and time
 * received, shortages and damages: none, seal intact, the cases counted) is the proof of delivery,
 * whatever its printed title; the same form with its receipt lines blank is still a bill of
 * lading. Preprinted words prove nothing (every BOL prints "consignee signature" and most print
 * "received ... in apparent good order"): what counts is what was written on the receipt lines.
 *
 * A receipt line is a label of the receiving side (a signature of the consignee, receiver or
 * customer; received or delivered by, on or at; the date or time received or delivered; the
 * quantity received; OS&D, overages, shortages, damages, exceptions; the seal's state at
 * delivery) with a value filled in beside it (any letter or digit, not a row of underscores or
 * another label). A note of receipt written out ("received in good order", "seal intact",
 * "delivered complete") counts half. Two signs or more: signed. The shipper's and the driver's
 * signatures are given at pickup and count for nothing here.
 */
import type { Line } from "./layout.ts";

/** Labels of the receiving side (normalised: lower case, accents dropped). */
const RECEIPT_LABEL = new RegExp(
  [
    // A signature of the receiving side.
    String
      .raw`\b(consignee|receiver|receiving|customer|recipient|destinataire|destinatario|consignatario)(?:'?s)?\s*(?:signature|sign(?:ed)?|sig\.?)`,
    String
      .raw`\b(?:signature|signed|firma|signe)\s*(?:of\s+)?(?:the\s+)?(?:consignee|receiver|recipient|destinataire|destinatario|consignatario)`,
    // Received or delivered, by whom and when.
    String
      .raw`\b(?:received|rec'?d|rcvd|delivered|accepted|signed\s+for|recibido|recu|livre)\s*(?:by|on|at|date|time|por|par|le|el)\b`,
    String.raw`\b(?:delivered|received|rec'?d|rcvd|recibido|recu|livre)(?=\s*:)`,
    String
      .raw`\b(?:date|time|date\s*\/\s*time|fecha|hora)\s*(?:of\s+)?(?:received|receipt|delivered|delivery|recepcion|reception|entrega|livraison)`,
    // What was counted and found on arrival.
    String
      .raw`\b(?:qty|quantity|cases|boxes|cartons|pieces|pallets|count|cantidad|cajas)\s*(?:received|delivered|recibid[ao]s?|recu)`,
    String
      .raw`\b(?:received|delivered)\s*(?:qty|quantity|cases|boxes|cartons|pieces|pallets|count)`,
    String.raw`\bos\s*&\s*d\b|\bover\s*,?\s*short\s*(?:&|and)?\s*damaged?\b`,
    String
      .raw`\b(?:overages?|shortages?|damages?|exceptions?|faltantes?|danos|manquants?|avaries?)\b`,
    String.raw`\bseal\s*(?:condition|status|intact|at\s+delivery)\b`,
  ].join("|"),
  "i",
);

/** A receipt noted in words: counts half. */
const RECEIPT_NOTE =
  /\breceived\s+(?:in\s+)?(?:apparent\s+)?good\s+(?:order|condition)\b|\bseal\s+(?:was\s+)?(?:intact|unbroken|ok)\b|\bdelivered\s+(?:complete|in\s+full|in\s+good)|\bno\s+(?:exceptions|damages?|shortages?)\b|\brecibido\s+(?:conforme|en\s+buen)|\bre[cç]u\s+(?:conforme|en\s+bon)/i;

/** The words of a form's other blanks: the cell beside a label that is no value written in. */
const FORM_WORD =
  /^(date|time|signature|sign|print(ed)?\s+name|name|title|per|by|shipper|carrier|driver|consignee|receiver|pieces|cases|seal|trailer|fecha|firma|nom)\b/i;

/** A value written in, not a blank to fill ("________", "( )", "Y / N") nor another label. */
function filled(value: string): boolean {
  const v = value.replace(/[_\-.:()[\]\s]+/g, " ").trim();
  if (!v || !/[A-Za-z0-9]/.test(v)) return false;
  // A sentence after the label is the form's preprinted text ("Received: subject to the
  // classifications ..."), not what someone wrote in.
  if (v.split(/\s+/).length > 6) return false;
  if (/^(y\s*\/\s*n|yes\s*\/\s*no|si\s*\/\s*no|oui\s*\/\s*non)$/i.test(v)) return false;
  // The next label on the line ("Date:"), not a value.
  if (/^[A-Za-z][A-Za-z /&']{0,24}:$/.test(value.trim())) return false;
  return true;
}

/** How many signs of receipt a page shows filled in (see the module header). */
export function receiptSigns(lines: Line[]): number {
  let signs = 0;
  for (const line of lines) {
    const text = line.text.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    if (RECEIPT_NOTE.test(text) && !/\?|\by\s*\/\s*n\b/i.test(text)) signs += 0.5;
    for (const cell of line.cells) {
      const t = cell.text.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      const m = RECEIPT_LABEL.exec(t);
      if (!m) continue;
      if (/\b(shipper|driver|carrier|chauffeur|chofer|conductor)\b/i.test(t.slice(0, m.index))) {
        continue;
      }
      // The value: after the label's colon ("Receiver's signature (print): M. Alvarez"), right
      // after a label ending in by, on or at, or in the next cell when the label ends its
      // cell. Words after a label with no colon are preprinted text ("note exceptions below").
      const rest = t.slice(m.index + m[0].length);
      const colon = /^[^:]{0,24}:(.*)$/.exec(rest);
      const next = line.cells[line.cells.indexOf(cell) + 1];
      const nextValue = next && !RECEIPT_LABEL.test(next.text) && !FORM_WORD.test(next.text)
        ? next.text
        : "";
      const value = colon
        ? (/\S/.test(colon[1]!) ? colon[1]! : nextValue)
        : /\b(by|on|at|por|par|le|el)$/i.test(m[0]) || /^\s*\d/.test(rest)
        ? rest
        : !rest.trim()
        ? nextValue
        : "";
      // A value ends where the next label of the line begins ("______ Date: ____").
      const own = value.replace(/^\s*[:#]?\s*/, "").replace(/\s+\p{L}[\p{L} /&'.]{0,24}:.*$/u, "");
      if (filled(own)) signs++;
    }
  }
  return signs;
}

/** Whether a page is signed for receipt: two signs or more. */
export function signedForReceipt(lines: Line[]): boolean {
  return receiptSigns(lines) >= 2;
}
