// Run SPARQL queries against an endpoint with Comunica and print what came back, as JSON.
//
// Usage: node run-queries.mjs ENDPOINT_URL < queries.json
//   queries.json: [{"name": "...", "query": "..."}]
// Prints {"name": {"kind": "bindings", "rows": [{var: term}]} | {"kind": "boolean", "value": b}
//                 | {"kind": "quads", "quads": [[s, p, o]]} | {"kind": "error", "message": m}}
// where a term is {"type": "uri"|"bnode"|"literal", "value", "lang", "datatype"}.
// One process for all queries: Comunica takes about a second to start.
import { QueryEngine } from "@comunica/query-sparql";

function term(t) {
  if (!t) return null;
  if (t.termType === "NamedNode") return { type: "uri", value: t.value };
  if (t.termType === "BlankNode") return { type: "bnode", value: t.value };
  if (t.termType === "Literal") {
    return { type: "literal", value: t.value, lang: t.language || "", datatype: t.datatype ? t.datatype.value : "" };
  }
  return { type: t.termType, value: t.value };
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const endpoint = process.argv[2];
const queries = JSON.parse(await readStdin());
const engine = new QueryEngine();
const context = { sources: [{ type: "sparql", value: endpoint }], lenient: false };
const out = {};
for (const { name, query } of queries) {
  try {
    const result = await engine.query(query, context);
    if (result.resultType === "bindings") {
      const bindings = await (await result.execute()).toArray();
      const rows = bindings.map((b) => {
        const row = {};
        for (const [variable, value] of b) row[variable.value] = term(value);
        return row;
      });
      out[name] = { kind: "bindings", rows };
    } else if (result.resultType === "boolean") {
      out[name] = { kind: "boolean", value: await result.execute() };
    } else if (result.resultType === "quads") {
      const quads = await (await result.execute()).toArray();
      out[name] = { kind: "quads", quads: quads.map((q) => [term(q.subject), term(q.predicate), term(q.object)]) };
    } else {
      out[name] = { kind: "error", message: "unexpected result type " + result.resultType };
    }
  } catch (err) {
    out[name] = { kind: "error", message: String(err && err.message ? err.message : err) };
  }
}
process.stdout.write(JSON.stringify(out));
