/**
 * @module domain/names
 * A workspace's name (and its owner's) is put into mail the platform sends to outside addresses:
 * "Dana invited you to Acme Meats on ProjectMeats". A name that reads as a web or e-mail address
 * ("Your account is suspended - verify at http://evil.example/login") would turn that mail into
 * phishing sent by our servers. Such names are refused where a workspace is named (signup,
 * Settings → Company), and any already stored are defanged before they reach a subject or body.
 */

/** `http`, `://`, `www.`, an e-mail address or a host name (word.tld, `evil.example`). */
const ADDRESS_LIKE = [
  /https?/i,
  /:\/\//,
  /www\./i,
  /[^\s@]+@[^\s@]+\.[^\s@]+/,
  /(?:^|[^a-z0-9-])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,24}(?![a-z0-9-])/i,
];

/** The message a refused name gets, on the signup form, the API and Settings → Company. */
export const ADDRESS_IN_NAME_MESSAGE =
  "A company name cannot contain a web or e-mail address (http, www., name.com, name@...). " +
  "Use the company's name only.";

/** True when `text` contains something that reads as a web address, host name or e-mail address. */
export function namesAnAddress(text: string): boolean {
  return ADDRESS_LIKE.some((pattern) => pattern.test(text));
}

/**
 * `text` with anything address-like made inert for mail: dots become `[.]`, `://` becomes
 * `[://]`, `@` becomes `[at]` and `http` becomes `hxxp`, as security notices quote addresses, so
 * no mail program shows a live link. Text that names no address is returned as it is.
 */
export function defangName(text: string): string {
  if (!namesAnAddress(text)) return text;
  return text.replace(/https?/gi, (m) => m.replace(/tt/i, "xx"))
    .replaceAll("://", "[://]")
    .replaceAll("@", "[at]")
    .replaceAll(".", "[.]");
}
