// Compiles every contract under contracts/src and contracts/test with the solc pinned in
// package-lock.json (solcjs, no download) and writes one JSON file:
// {"solc": "0.8.37+...", "contracts": {"Name": {"source", "abi", "bytecode": "0x...",
//   "methodIdentifiers": {"f(uint256)": "12345678"}, "deployedSize": bytes}}}.
// Usage: node contracts/build.js OUT.json
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require("solc");

const root = __dirname;
const out = process.argv[2];
if (!out) {
  console.error("usage: node contracts/build.js OUT.json");
  process.exit(2);
}

function sources(dir, acc) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, acc);
    else if (e.name.endsWith(".sol")) acc[path.relative(root, p)] = { content: fs.readFileSync(p, "utf8") };
  }
  return acc;
}

const input = {
  language: "Solidity",
  sources: sources(path.join(root, "test"), sources(path.join(root, "src"), {})),
  settings: {
    evmVersion: "osaka",
    viaIR: true,
    optimizer: { enabled: true, runs: 1000000 }, // gas over code size: PUSH32 constants, not CODECOPY
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "evm.methodIdentifiers"] } },
  },
};
// Imports are relative and all inside contracts/; anything else is an error.
function findImports(p) {
  const f = path.join(root, p);
  if (f.startsWith(root + path.sep) && fs.existsSync(f)) return { contents: fs.readFileSync(f, "utf8") };
  return { error: "not found: " + p };
}
const result = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
let failed = false;
for (const e of result.errors || []) {
  console.error(e.formattedMessage);
  if (e.severity === "error") failed = true;
}
if (failed) process.exit(1);
const contracts = {};
for (const [file, byName] of Object.entries(result.contracts)) {
  for (const [name, c] of Object.entries(byName)) {
    if (c.abi.length === 0) continue; // a library of internal functions only
    contracts[name] = {
      source: file,
      abi: c.abi,
      bytecode: "0x" + c.evm.bytecode.object,
      methodIdentifiers: c.evm.methodIdentifiers,
      deployedSize: c.evm.deployedBytecode.object.length / 2,
    };
  }
}
fs.writeFileSync(out, JSON.stringify({ solc: solc.version(), contracts }, null, 1) + "\n");
