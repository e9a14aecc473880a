// The query page: fill the editor from the examples, run the query against /sparql,
// render SPARQL JSON results as a table (Turtle as text). No libraries, no network but /sparql.
"use strict";

(function () {
  const ID_BASE = "https://w3id.org/diplokg/id/";
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  const select = document.getElementById("example");
  const summary = document.getElementById("example-summary");
  const statusBox = document.getElementById("status");
  const noteBox = document.getElementById("note");
  const errorBox = document.getElementById("error");
  const results = document.getElementById("results");
  const examples = JSON.parse(document.getElementById("examples").textContent || "[]");

  examples.forEach(function (example, index) {
    const option = document.createElement("option");
    option.value = String(index);
    option.textContent = example.name;
    option.title = example.summary || "";
    select.appendChild(option);
  });

  select.addEventListener("change", function () {
    const example = examples[Number(select.value)];
    if (!example) { summary.textContent = ""; return; }
    editor.value = example.text;
    summary.textContent = example.summary || "";
  });

  const PREFIXES = [
    ["dk:", "https://w3id.org/diplokg/ontology#"],
    ["rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"],
    ["rdfs:", "http://www.w3.org/2000/01/rdf-schema#"],
    ["xsd:", "http://www.w3.org/2001/XMLSchema#"],
    ["owl:", "http://www.w3.org/2002/07/owl#"],
    ["oa:", "http://www.w3.org/ns/oa#"],
    ["prov:", "http://www.w3.org/ns/prov#"],
    ["dcterms:", "http://purl.org/dc/terms/"],
    ["skos:", "http://www.w3.org/2004/02/skos/core#"],
  ];

  function shorten(iri) {
    for (const [prefix, base] of PREFIXES) {
      if (iri.indexOf(base) === 0) return prefix + iri.slice(base.length);
    }
    return iri;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function termNode(term) {
    if (!term) return document.createTextNode("");
    if (term.type === "uri") {
      if (term.value.indexOf(ID_BASE) === 0) {
        return el("a", { href: "/id/" + term.value.slice(ID_BASE.length), title: term.value },
                  "dkid:" + term.value.slice(ID_BASE.length));
      }
      return el("code", { title: term.value }, shorten(term.value));
    }
    if (term.type === "bnode") return el("code", {}, "_:" + term.value);
    const span = el("span", { class: "literal" }, term.value);
    const tag = term["xml:lang"] ? "@" + term["xml:lang"] :
      (term.datatype ? shorten(term.datatype) : "");
    if (!tag) return span;
    const wrap = el("span");
    wrap.appendChild(span);
    wrap.appendChild(el("span", { class: "tag" }, tag));
    return wrap;
  }

  function renderJson(data) {
    if (typeof data.boolean === "boolean") {
      results.appendChild(el("p", { class: "boolean", id: "ask-answer" }, String(data.boolean)));
      return 1;
    }
    const vars = (data.head && data.head.vars) || [];
    const rows = (data.results && data.results.bindings) || [];
    const table = el("table", { class: "results", id: "result-table" });
    const head = el("tr");
    vars.forEach(function (name) { head.appendChild(el("th", {}, name)); });
    table.appendChild(el("thead")).appendChild(head);
    const body = el("tbody");
    rows.forEach(function (row) {
      const tr = el("tr");
      vars.forEach(function (name) {
        const td = el("td");
        td.appendChild(termNode(row[name]));
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    results.appendChild(table);
    return rows.length;
  }

  async function run(query) {
    statusBox.textContent = "Running…";
    noteBox.hidden = true;
    errorBox.hidden = true;
    results.innerHTML = "";
    const started = performance.now();
    let response;
    try {
      response = await fetch("/sparql", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: new URLSearchParams({ query: query }),
      });
    } catch (err) {
      statusBox.textContent = "";
      errorBox.textContent = "Request failed: " + err;
      errorBox.hidden = false;
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const text = await response.text();
    if (!response.ok) {
      statusBox.textContent = "Error " + response.status + " (" + seconds + " s)";
      errorBox.textContent = text;
      errorBox.hidden = false;
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    let count;
    if (type.indexOf("json") >= 0) {
      const data = JSON.parse(text);
      count = renderJson(data);
      if (data.diplokg && data.diplokg.truncated) {
        noteBox.textContent = "Note: " + data.diplokg.note;
        noteBox.hidden = false;
      }
    } else {
      results.appendChild(el("pre", { class: "rdf", id: "result-rdf" }, text));
      count = text.split("\n").filter(function (line) { return line.trim(); }).length;
    }
    statusBox.textContent = count + (count === 1 ? " row" : " rows") + " in " + seconds + " s";
    results.setAttribute("data-done", "true");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run(editor.value);
  });

  // /#query=… (or ?query=…) fills the editor and runs; /#example=NAME picks a saved query.
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const search = new URLSearchParams(window.location.search);
  const given = hash.get("query") || search.get("query");
  const exampleName = hash.get("example") || search.get("example");
  if (exampleName) {
    const index = examples.findIndex(function (e) { return e.name === exampleName; });
    if (index >= 0) { select.value = String(index); select.dispatchEvent(new Event("change")); }
  }
  if (given) editor.value = given;
  if (given || exampleName) run(editor.value);
})();
