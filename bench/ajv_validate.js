// Validates every line of a corpus with JSON.parse + an ajv-compiled JSON Schema, repeatedly for at
// least `seconds`, and prints `bodies_per_second=<R>` last (same contract as `lpe-bench validate`).
// usage: node ajv_validate.js SCHEMA.json CORPUS.jsonl [seconds]
'use strict';
const fs = require('fs');
const Ajv = require('ajv');

const [schemaPath, corpusPath, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg || 2);
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: true });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
const bodies = fs.readFileSync(corpusPath, 'utf8').split('\n').filter((l) => l.length > 0);

function once(body) {
  let value;
  try {
    value = JSON.parse(body);
  } catch (e) {
    return 0;
  }
  return validate(value) ? 1 : 0;
}

let valid = 0;
for (const b of bodies) valid += once(b);
const start = process.hrtime.bigint();
let done = 0;
let elapsed = 0;
let sink = 0;
while (elapsed < seconds) {
  for (const b of bodies) sink += once(b);
  done += bodies.length;
  elapsed = Number(process.hrtime.bigint() - start) / 1e9;
}
console.log(`corpus=${corpusPath} bodies=${bodies.length} valid=${valid} checksum=${sink} ajv=${require('ajv/package.json').version}`);
console.log(`bodies_per_second=${Math.round(done / elapsed)}`);
