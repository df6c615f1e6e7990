import assert from "node:assert/strict";
import { toLines } from "./layout.ts";
import { readGoodsTable } from "./tables.ts";

const values = (text: string) =>
  readGoodsTable(toLines(text))?.lines.map((l) =>
    Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v.value]))
  );

Deno.test("readGoodsTable() splits two headers OCR glued together and keeps the unit in brackets", () => {
  const lines = values([
    "Description                 Cases       Net Weight (kgfrice      Line Total",
    "Ground beef 81/19           121         3,146        4.47        14,062.62",
  ].join("\n"));
  assert.deepEqual(lines, [{
    description: "Ground beef 81/19",
    cases: 121,
    weight: 3146,
    weight_unit: "KG",
    price: 4.47,
    price_basis: "weight",
  }]);
});

Deno.test("readGoodsTable() drops a speck OCR read as a period after a description", () => {
  const lines = values([
    "Product Description     Net Lbs       Cases      Price       Extension",
    "Beef brisket 120A.      2,624         41         4.87        $12,778.88",
  ].join("\n"));
  assert.equal(lines?.[0]?.description, "Beef brisket 120A");
  assert.equal(lines?.[0]?.weight, 2624);
});

Deno.test("readGoodsTable() takes no glued header from a word merely like one", () => {
  // "Notes" is not a price column: a loose match needs a known head before it.
  const read = readGoodsTable(toLines([
    "Description        Notesx",
    "Ground beef 81/19  fresh",
  ].join("\n")));
  assert.equal(read, null);
});

Deno.test("readGoodsTable() joins a row OCR split into its description and its numbers, in either order", () => {
  const header = "Description                 Cases       Net Weight   Price       Line Total";
  const lines = values([
    header,
    "Ground beef 81/19",
    "                            121         3,146        4.47        $14,062.62",
    "                            624         18,096       2.69        $48,678.24",
    "Beef ribeye lip-on",
    "Pork spare ribs             20          800          3.00        $2,400.00",
    "Total                                                            $65,140.86",
  ].join("\n"));
  assert.deepEqual(lines?.map((l) => [l.description, l.cases, l.weight]), [
    ["Ground beef 81/19", 121, 3146],
    ["Beef ribeye lip-on", 624, 18096],
    ["Pork spare ribs", 20, 800],
  ]);
});

Deno.test("readGoodsTable() still reads a description's second line as its continuation", () => {
  const lines = values([
    "Description                 Cases       Net Weight   Price       Line Total",
    "Beef chuck roll 2x          121         3,146        4.47        $14,062.62",
    "choice, boxed",
    "Pork spare ribs             20          800          3.00        $2,400.00",
  ].join("\n"));
  assert.deepEqual(lines?.map((l) => l.description), [
    "Beef chuck roll 2x choice, boxed",
    "Pork spare ribs",
  ]);
});

Deno.test("readGoodsTable() reads a price OCR garbled from amount / quantity, but never overrides clean digits", () => {
  const read = readGoodsTable(toLines([
    "Cases   Description            Net Wt     Price/lb     Line Total",
    "843     Beef brisket 120A      50,580     LAP          $362,658.60",
    "884     Beef trimmings 90CL    50,388     7.1L         $358,258.68",
    "171     Chicken breast B/S     10,773     2:59;        $27,902.07",
    "960     Pork spare ribs        45,120     1.58         $67,680.00",
    "20      Pork spare ribs        800        3.10         $2,400.00",
  ].join("\n")))!;
  assert.deepEqual(read.lines.map((l) => l.price?.value), [7.17, 7.11, 2.59, 1.5, 3.10]);
  assert.equal(read.lines[0]!.price!.why, "price read from amount / quantity");
  assert.ok(read.lines[0]!.price!.confidence < 0.8);
  // Clean digits that do not add up stay as printed, flagged.
  assert.equal(read.lines[4]!.description!.why, "price x quantity is not the amount");
  assert.ok(read.lines[4]!.price!.confidence < 0.8);
});

Deno.test("readGoodsTable() splits numbers of two columns kept in one cell by a single space", () => {
  const lines = values([
    "Description                           Value            Pounds          Qty              Price/lb",
    "Beef chuck roll 2x                    $ 55,124.40      25,880          647              2.13",
    "Beef brisket 120A                     $ 218,727.93 60,927              883              3.59",
  ].join("\n"));
  assert.deepEqual(lines?.map((l) => [l.weight, l.cases, l.price]), [
    [25880, 647, 2.13],
    [60927, 883, 3.59],
  ]);
  // Words are not split: a description that runs on stays one description.
  const words = values([
    "Description          Cases      Weight      Price      Amount",
    "Beef chuck roll 2x choice      10      400      2.00      $800.00",
  ].join("\n"));
  assert.equal(words?.[0]?.description, "Beef chuck roll 2x choice");
});

Deno.test("readGoodsTable() knows a header OCR misread by a letter or broke with a space", () => {
  const lines = values([
    "Item    Boxes    Product Descri iption      Price/1lb     Net Lbs     Line Total",
    "1000    179      Beef brisket 120A          5.59          8,234       $46,028.06",
  ].join("\n"));
  assert.deepEqual(lines, [{
    cases: 179,
    description: "Beef brisket 120A",
    price: 5.59,
    price_basis: "weight",
    weight: 8234,
    weight_unit: "LB",
  }]);
});

Deno.test("readGoodsTable() gives back a weight OCR lost from amount / price, only when it comes out whole", () => {
  const lines = values([
    "Item Description      CS        Cost/lb       Extension",
    "Beef chuck roll 2x    934       4.18          USD 230,343.08",
    "Beef brisket 120A     602       7.06          USD 259, 257,32",
    "Pork loin boneless    10        4.18          USD 230,400.00",
  ].join("\n"));
  assert.equal(lines?.[0]?.weight, 55106);
  assert.equal(lines?.[0]?.weight_unit, "LB");
  // A period read as a comma before the cents, spaces in the digits: still the amount.
  assert.equal(lines?.[1]?.weight, 36722);
  // No whole weight gives that amount: nothing is made up.
  assert.equal(lines?.[2]?.weight, undefined);
  const read = readGoodsTable(toLines([
    "Item Description      CS        Cost/lb       Extension",
    "Beef chuck roll 2x    934       4.18          USD 230,343.08",
  ].join("\n")));
  assert.deepEqual(read?.lines[0]?.weight?.why, "weight read from amount / price");
  assert.ok(read!.lines[0]!.weight!.confidence < 0.8);
});

Deno.test("readGoodsTable() reads a case count OCR printed as look-alike letters, and doubts marks around one", () => {
  const read = readGoodsTable(toLines([
    "Product Description     Net Lbs       Cases      Price       Extension",
    "Beef brisket 120A       2,624         Al         4.87        $12,778.88",
    "Ground beef 81/19       14,931        23);       4.39        $65,547.09",
    "Pork spare ribs         28,536        Ole        2.46        $70,198.56",
  ].join("\n")));
  const [a, b, c] = read!.lines;
  assert.equal(a!.cases?.value, 41);
  assert.ok(a!.cases!.confidence < 0.8);
  assert.equal(b!.cases?.value, 23);
  assert.ok(b!.cases!.confidence < 0.8, "a number read among marks is for the reviewer");
  assert.equal(c!.cases, undefined, "a word is no count");
});

Deno.test("readGoodsTable() gives a short header OCR misread the column its values fit: cases, price", () => {
  const lines = values([
    "Ss            Description                      Net wt         $b            Line Total",
    "712           Pork loin boneless               36,312         3.06          $111,114.72",
    "309           Beef trimmings 90CL              12,669         6.15          $77,914.35",
    "                                                                 Total      $189,029.07",
  ].join("\n"));
  assert.deepEqual(lines?.map((l) => [l.cases, l.price]), [[712, 3.06], [309, 6.15]]);
  // Two unread short columns of whole numbers (a code and the cases): neither is guessed.
  const two = values([
    "Nb      Ss      Description                Net wt      Price      Line Total",
    "1000    712     Pork loin boneless         36,312      3.06       $111,114.72",
  ].join("\n"));
  assert.deepEqual(two?.map((l) => l.cases), [undefined]);
  // A longer unknown header is not a misread short one: its column stays unread.
  const long = values([
    "Lot Number    Description                Net wt      Price      Line Total",
    "712           Pork loin boneless         36,312      3.06       $111,114.72",
  ].join("\n"));
  assert.deepEqual(long?.map((l) => l.cases), [undefined]);
});

Deno.test("readGoodsTable() finds a table under a header no list names, by the rows' values", () => {
  const read = readGoodsTable(toLines([
    "Wumbo                      Qz      Flarp       Zibber      Gruxel",
    "Turkey breast skin-on      36      1,512       3.15        $4,762.80",
    "Lamb rack frenched         12      480         11.40       $5,472.00",
    "                                               Total       $10,234.80",
  ].join("\n")));
  assert.deepEqual(
    read?.lines.map((l) => [l.description?.value, l.weight?.value, l.price?.value]),
    [
      ["Turkey breast skin-on", 1512, 3.15],
      ["Lamb rack frenched", 480, 11.4],
    ],
  );
  // Proved by the arithmetic: read as sure as a labelled table.
  assert.equal(read!.lines[0]!.price!.confidence, 0.97);
  assert.deepEqual(read!.lines.map((l) => l.cases?.value), [36, 12]);
});

Deno.test("readGoodsTable() types unread weight and price columns by the arithmetic, the smaller the price", () => {
  const lines = values([
    "Description           Cases    Wgtxyz      Przxyz      Amount",
    "Pork butt bone-in     40       2,400       1.89        $4,536.00",
    "Veal cutlets          15       600         2.35        $1,410.00",
  ].join("\n"));
  assert.deepEqual(lines?.map((l) => [l.weight, l.price]), [[2400, 1.89], [600, 2.35]]);
});

Deno.test("readGoodsTable() takes no numbers for a table when nothing adds up", () => {
  const read = readGoodsTable(toLines([
    "Reference     Notes       Slot      Bay       Door",
    "Dock schedule             12        4         7      1,200.00",
    "Yard check                3         9         2      40.00",
  ].join("\n")));
  assert.equal(read, null);
});

Deno.test("readGoodsTable() tells item numbers stepping evenly from a case count under unread headers", () => {
  const lines = values([
    "Nn      Qq      Description            Net Lbs     Price      Amount",
    "10      12      Pork belly skin-on     600         2.35       $1,410.00",
    "20      7       Beef shank             1,450       3.05       $4,422.50",
    "30      30      Lamb shoulder          880         4.75       $4,180.00",
  ].join("\n"));
  assert.deepEqual(lines?.map((l) => l.cases), [12, 7, 30]);
});

Deno.test("readGoodsTable() repairs broken digits, a weight one digit off and prices that lost or gained a character, when the row adds up", () => {
  const read = readGoodsTable(toLines([
    "Description        Cases    Net Lbs     Price     Amount",
    "Veal leg           20       18),455     2.10      $38,755.50",
    "Pork belly         9        52 ,310     1.50      $78, 465.00",
    "Beef shank         5        27,849      2.00      $55,680.00",
    "Lamb shoulder      3        1,000       $.40      $8,400.00",
    "Goat leg           4        2,000       4619      $8,380.00",
    "Beef trim 8OCL     6        3,000       389       $9,870.00",
    "Beef cheek         2        1,000       7.77      $1,230.00",
  ].join("\n")))!;
  assert.deepEqual(read.lines.map((l) => [l.weight?.value, l.price?.value]), [
    [18455, 2.1],
    [52310, 1.5],
    [27840, 2],
    [1000, 8.4],
    [2000, 4.19],
    [3000, 3.29],
    [1000, 7.77],
  ]);
  assert.equal(read.lines[0]!.weight!.why, "OCR slip repaired");
  assert.equal(read.lines[3]!.price!.why, "price read from amount / quantity");
  // A description's OCR letters are repaired where the notation is certain, and the row kept.
  assert.equal(read.lines[5]!.description!.value, "Beef trim 80CL");
  assert.ok(read.lines[5]!.description!.confidence < 0.8);
  // Clean digits that do not add up are not bent to fit: flagged.
  assert.equal(read.lines[6]!.price!.why, undefined);
  assert.equal(read.lines[6]!.description!.why, "price x quantity is not the amount");
});

Deno.test("readGoodsTable() keeps a row whose description OCR slipped on, its numbers as sure as the sum", () => {
  const read = readGoodsTable(toLines([
    "Description            Cases    Net Lbs     Price     Amount",
    "Beef trim 7OCL         45       2,250       3.40      $7,650.00",
  ].join("\n")))!;
  const line = read.lines[0]!;
  assert.equal(line.description!.value, "Beef trim 70CL");
  assert.ok(line.description!.confidence < 0.8);
  assert.equal(line.price!.confidence, 0.97, "the description's slip says nothing of the price");
  assert.equal(line.weight!.confidence, 0.97);
});
