// The configuration screen: a handler list, forms rendered from each handler's input JSON Schema,
// picklists filled live, and runs through the server's JSON API. No build step, no dependency
// beyond validate.js. Every API call carries the page's token (read from a meta tag at load).
"use strict";

(function () {
  const PAGE_TOKEN = document.querySelector('meta[name="page-token"]').content;
  const V = window.SchemaValidate;
  const $ = (id) => document.getElementById(id);
  const state = { manifest: null, connection: null, current: null, fields: {}, controller: null, runId: 0 };

  // ----------------------------------------------------------------------------------- API
  async function api(method, path, body, signal) {
    const init = { method: method, headers: { "X-Page-Token": PAGE_TOKEN }, signal: signal };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    let data = null;
    try { data = await response.json(); } catch (e) { data = { error: "BadAnswer", message: "the server's answer is not JSON" }; }
    return { ok: response.ok, status: response.status, data: data };
  }

  // A call whose progress the page shows: `?progress=1` makes the server stream NDJSON, one line
  // per progress report ({progress: {kind, message, pages, items, seconds}}) and a last line with
  // the answer ({status, body}). `onProgress` gets each report. An answer that is not a stream (a
  // refusal, an unknown handler) is read as plain JSON. Aborting `signal` closes the connection,
  // which cancels the call on the server.
  async function apiWithProgress(path, body, signal, onProgress) {
    const url = path + (path.includes("?") ? "&" : "?") + "progress=1";
    const init = { method: "POST", headers: { "X-Page-Token": PAGE_TOKEN, "Content-Type": "application/json" },
      body: JSON.stringify(body), signal: signal };
    const response = await fetch(url, init);
    if (!(response.headers.get("Content-Type") || "").startsWith("application/x-ndjson") || !response.body) {
      let data = null;
      try { data = await response.json(); } catch (e) { data = { error: "BadAnswer", message: "the server's answer is not JSON" }; }
      return { ok: response.ok, status: response.status, data: data };
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    let last = null;
    for (;;) {
      const chunk = await reader.read();
      buffered += decoder.decode(chunk.value || new Uint8Array(), { stream: !chunk.done });
      const lines = buffered.split("\n");
      buffered = chunk.done ? "" : lines.pop();
      for (const line of lines) {
        if (!line.trim()) continue;
        const item = JSON.parse(line);
        if (item.progress) { if (onProgress) onProgress(item.progress); } else last = item;
      }
      if (chunk.done) break;
    }
    if (last === null) return { ok: false, status: 0, data: { error: "NetworkError", message: "the answer ended early" } };
    return { ok: last.status >= 200 && last.status < 300, status: last.status, data: last.body };
  }

  // A progress report in a few words: "page 3, 2,500 items", or the wait with its reason.
  function describeProgress(report) {
    if (report.kind === "page") {
      return "page " + report.pages + ", " + Number(report.items).toLocaleString("en-US") + " item" + (report.items === 1 ? "" : "s");
    }
    return report.message;
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children || []) if (child) node.appendChild(child);
    return node;
  }

  // -------------------------------------------------------------------------- handler list
  const VERB = /^(get|list|create|update|delete|remove|add|select|fetch|invite|connect|disconnect)\s+/i;

  // The resource a handler belongs to, from its label: "Create Source" and "Fetch Sources" are
  // Source; "... from Warehouse" is Warehouse; catalogs and metadata are the Catalog.
  function groupOf(label) {
    let rest = label.replace(VERB, "");
    if (/\b(catalog|metadata)\b/i.test(rest)) return "Catalog";
    const tail = /\b(?:from|to)\s+(\w+)\s*$/i.exec(rest);
    if (tail) rest = tail[1];
    const word = rest.split(/\s+/)[0] || label;
    return word.length > 3 && /s$/i.test(word) && !/ss$/i.test(word) ? word.slice(0, -1) : word;
  }

  function renderList() {
    const groups = new Map();
    for (const kind of ["actions", "dataSources"]) {
      for (const handler of Object.values(state.manifest[kind] || {})) {
        const group = groupOf(handler.label);
        if (!groups.has(group)) groups.set(group, []);
        groups.get(group).push({ kind: kind, handler: handler });
      }
    }
    const list = $("handler-list");
    list.textContent = "";
    for (const name of Array.from(groups.keys()).sort()) {
      const items = groups.get(name).sort((a, b) => a.handler.label.localeCompare(b.handler.label));
      const ul = el("ul");
      for (const item of items) {
        const button = el("button", {
          type: "button", class: "handler", "data-kind": item.kind, "data-key": item.handler.key,
          "data-search": (item.handler.label + " " + item.handler.key + " " + name).toLowerCase(),
        }, [
          el("span", { class: "label", text: item.handler.label }),
          item.kind === "dataSources" ? el("span", { class: "tag", text: "picklist" }) : null,
        ]);
        button.addEventListener("click", () => { location.hash = item.kind + "/" + item.handler.key; });
        ul.appendChild(el("li", {}, [button]));
      }
      list.appendChild(el("section", { class: "group" }, [el("h3", { text: name }), ul]));
    }
  }

  function filterList() {
    const words = $("handler-search").value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const group of $("handler-list").querySelectorAll(".group")) {
      let shown = 0;
      for (const button of group.querySelectorAll("button.handler")) {
        const match = words.every((w) => button.dataset.search.includes(w));
        button.parentElement.hidden = !match;
        if (match) shown += 1;
      }
      group.hidden = shown === 0;
    }
  }

  function visibleHandlers() {
    return Array.from($("handler-list").querySelectorAll("button.handler")).filter((b) => !b.parentElement.hidden && !b.closest(".group").hidden);
  }

  // ---------------------------------------------------------------------------- the form
  function controlKind(schema, root) {
    schema = V.resolve(schema, root);
    if (schema["x-dataSource"]) return "picklist";
    if (schema["x-secret"] || schema.writeOnly || schema.format === "password") return "secret";
    if (schema.type === "array" && controlKind(schema.items || {}, root) === "enum") return "enum";
    const options = schema.oneOf || schema.anyOf;
    if (Array.isArray(schema.enum) || (Array.isArray(options) && options.every((o) => V.resolve(o, root).const !== undefined))) return "enum";
    if (schema.type === "boolean") return schema.default === undefined ? "tristate" : "boolean";
    if (schema.type === "integer" || schema.type === "number") return "number";
    if (schema.type === "array") {
      const items = V.resolve(schema.items || {}, root);
      return items.type === "string" && !items["x-dataSource"] ? "words" : "json";
    }
    if (schema.type === "object" || schema.anyOf || schema.oneOf || schema.type === undefined) return "json";
    // Text that spans lines (code, a template): its example says so.
    const sample = example(schema);
    if (schema.contentMediaType || (typeof sample === "string" && sample.includes("\n"))) return "longtext";
    return "text";
  }

  function choicesOf(schema, root) {
    if (schema.type === "array") return choicesOf(V.resolve(schema.items || {}, root), root);
    if (Array.isArray(schema.enum)) return schema.enum.map((v) => ({ value: String(v), label: String(v) }));
    return (schema.oneOf || schema.anyOf).map((o) => V.resolve(o, root))
      .map((o) => ({ value: String(o.const), label: o.title && o.title !== String(o.const) ? o.title + " (" + o.const + ")" : String(o.const) }));
  }

  function example(schema) {
    return Array.isArray(schema.examples) && schema.examples.length ? schema.examples[0] : undefined;
  }

  // One field: its control, its label, help and error, and how to read and set its value.
  function makeField(name, schema, required, root, prefix) {
    schema = V.resolve(schema, root);
    const kind = controlKind(schema, root);
    const id = prefix + name;
    const helpId = id + "-help";
    const errorId = id + "-error";
    const describedBy = helpId + " " + errorId;
    // A list of choices (ids from a picklist, or values of an enum) is a multiple select.
    const multiple = schema.type === "array" && (kind === "enum" || kind === "picklist");
    const field = { name: name, schema: schema, kind: kind, required: required, multiple: multiple };
    let control;
    if (kind === "enum" || kind === "tristate" || kind === "picklist") {
      control = el("select", { id: id, name: name, multiple: multiple, size: multiple ? 5 : null, "aria-describedby": describedBy, "aria-required": required ? "true" : null });
      if (multiple && kind === "enum") {
        for (const option of choicesOf(schema, root)) control.appendChild(el("option", { value: option.value, text: option.label }));
      } else if (kind !== "picklist") {
        control.appendChild(el("option", { value: "", text: required ? "Choose…" : "(not set)" }));
        const options = kind === "tristate" ? [{ value: "true", label: "Yes" }, { value: "false", label: "No" }] : choicesOf(schema, root);
        for (const option of options) control.appendChild(el("option", { value: option.value, text: option.label }));
      }
    } else if (kind === "boolean") {
      control = el("input", { id: id, name: name, type: "checkbox", "aria-describedby": describedBy });
    } else if (kind === "longtext") {
      control = el("textarea", { id: id, name: name, rows: 6, spellcheck: "false", "aria-describedby": describedBy, "aria-required": required ? "true" : null, placeholder: example(schema) });
      control.classList.add("code");
    } else if (kind === "json" || kind === "words") {
      const sample = example(schema);
      control = el("textarea", {
        id: id, name: name, rows: 4, spellcheck: "false", "aria-describedby": describedBy, "aria-required": required ? "true" : null,
        placeholder: sample !== undefined ? (kind === "words" && Array.isArray(sample) ? sample.join(", ") : JSON.stringify(sample, null, 2)) : (kind === "words" ? "one per line, or a, b" : "JSON"),
      });
      control.classList.add("code");
    } else {
      const sample = example(schema);
      control = el("input", {
        id: id, name: name, type: kind === "secret" ? "password" : (kind === "number" ? "number" : "text"),
        autocomplete: kind === "secret" ? "new-password" : "off", spellcheck: "false",
        "aria-describedby": describedBy, "aria-required": required ? "true" : null,
        min: schema.minimum, max: schema.maximum, step: kind === "number" && schema.type === "integer" ? 1 : null,
        placeholder: sample !== undefined && kind !== "secret" ? String(sample) : null,
      });
    }
    field.control = control;
    field.error = el("p", { id: errorId, class: "field-error", "aria-live": "polite" });
    const label = el("label", { for: id }, [
      document.createTextNode(schema.title || name),
      required ? el("span", { class: "required", "aria-hidden": "true", text: " *" }) : null,
      required ? el("span", { class: "sr-only", text: " (required)" }) : null,
    ]);
    let body = control;
    if (kind === "picklist") {
      field.search = el("input", { type: "search", class: "picklist-search", id: id + "-search", "aria-label": "Search " + (schema.title || name), placeholder: "Type to search", autocomplete: "off" });
      field.status = el("span", { class: "picklist-status", "aria-live": "polite" });
      body = el("div", { class: "picklist" }, [control, field.search, field.status]);
    }
    if (kind === "boolean") {
      field.node = el("div", { class: "field checkbox" }, [el("div", { class: "inline" }, [control, label]), el("p", { id: helpId, class: "help", text: schema.description || "" }), field.error]);
    } else {
      field.node = el("div", { class: "field" }, [label, body, el("p", { id: helpId, class: "help", text: schema.description || "" }), field.error]);
    }
    if (schema.default !== undefined) setValue(field, schema.default);
    return field;
  }

  function setValue(field, value) {
    const c = field.control;
    if (field.kind === "boolean") c.checked = Boolean(value);
    else if (field.multiple) {
      const wanted = (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined && v !== null).map(String);
      for (const text of wanted) {
        if (!Array.from(c.options).some((o) => o.value === text)) c.appendChild(el("option", { value: text, text: text }));
      }
      for (const option of c.options) option.selected = wanted.includes(option.value);
    } else if (field.kind === "picklist") {
      const text = value === undefined || value === null ? "" : String(value);
      if (text && !Array.from(c.options).some((o) => o.value === text)) c.appendChild(el("option", { value: text, text: text }));
      c.value = text;
    } else if (field.kind === "json") c.value = value === undefined ? "" : (typeof value === "string" && field.schema.type !== "object" && field.schema.type !== "array" ? value : JSON.stringify(value, null, 2));
    else if (field.kind === "words") c.value = Array.isArray(value) ? value.join("\n") : String(value);
    else c.value = value === undefined || value === null ? "" : String(value);
  }

  // The field's value as the schema's type; undefined when not given; {invalid} when unreadable.
  function readValue(field) {
    const c = field.control;
    if (field.kind === "boolean") return c.checked;
    if (field.multiple) {
      const chosen = Array.from(c.selectedOptions).map((o) => o.value).filter(Boolean);
      return chosen.length ? chosen : undefined;
    }
    const text = c.value;
    if (text.trim() === "") return undefined;
    if (field.kind === "tristate") return text === "true";
    if (field.kind === "number") {
      const number = Number(text);
      return Number.isFinite(number) ? number : { invalid: "must be a number" };
    }
    if (field.kind === "words") {
      if (text.trim().startsWith("[")) {
        try { return JSON.parse(text); } catch (e) { return { invalid: "is not a valid JSON list" }; }
      }
      return text.split(/[\n,]/).map((w) => w.trim()).filter(Boolean);
    }
    if (field.kind === "json") {
      try { return JSON.parse(text); } catch (e) {
        const options = (field.schema.anyOf || field.schema.oneOf || []);
        if (options.some((o) => o.type === "string")) return text;
        return { invalid: "is not valid JSON (" + e.message.replace(/^JSON\.parse: /, "") + ")" };
      }
    }
    return text;
  }

  function clearErrors(fields, general) {
    for (const field of Object.values(fields)) {
      field.error.textContent = "";
      field.control.removeAttribute("aria-invalid");
      field.node.classList.remove("invalid");
    }
    if (general) general.textContent = "";
  }

  // Each error by its field when it names one, else in `general`. Focuses the first bad field.
  function showErrors(fields, errors, general) {
    const unplaced = [];
    let first = null;
    for (const error of errors) {
      const top = String(error.field || "").split(/[.[]/)[0];
      const field = fields[top];
      if (field) {
        const where = error.field !== top ? error.field + ": " : "";
        field.error.textContent = (field.error.textContent ? field.error.textContent + "; " : "") + where + error.reason;
        field.control.setAttribute("aria-invalid", "true");
        field.node.classList.add("invalid");
        first = first || field;
      } else {
        unplaced.push((error.field ? error.field + ": " : "") + error.reason);
      }
    }
    if (general && unplaced.length) general.textContent = unplaced.join("; ");
    if (first) first.control.focus();
  }

  // The form's inputs and the errors the schema finds in them.
  function collect(fields, schema) {
    const inputs = {};
    const errors = [];
    for (const field of Object.values(fields)) {
      const value = readValue(field);
      if (value && typeof value === "object" && !Array.isArray(value) && typeof value.invalid === "string" && Object.keys(value).length === 1) {
        errors.push({ field: field.name, reason: value.invalid });
      } else if (value !== undefined) {
        inputs[field.name] = value;
      }
    }
    const placed = new Set(errors.map((e) => e.field));
    for (const error of V.validate(schema, inputs, schema)) {
      if (!placed.has(error.path.split(/[.[]/)[0])) errors.push({ field: error.path, reason: error.message });
    }
    return { inputs: inputs, errors: errors };
  }

  // -------------------------------------------------------------------------- picklists
  // A picklist field fetches its choices with the values of the form's fields that its picklist
  // also takes (the region, a parent id); one it depends on (x-dataSourceDependsOn) must be set
  // first. When a parent changes it refetches, and a value no longer offered is cleared.
  function wirePicklist(field, fields, root) {
    const source = state.manifest.dataSources[field.schema["x-dataSource"]];
    if (!source) {
      field.status.textContent = "unknown picklist " + field.schema["x-dataSource"];
      return;
    }
    const takes = Object.keys(source.inputs.properties || {}).filter((n) => n !== "search" && n !== "debug");
    const parents = field.schema["x-dataSourceDependsOn"] || [];
    const searchable = Boolean((source.inputs.properties || {}).search);
    let sequence = 0;
    let timer = null;

    async function refresh() {
      const mine = ++sequence;
      const c = field.control;
      const missing = parents.filter((p) => !fields[p] || readValue(fields[p]) === undefined);
      if (missing.length) {
        c.disabled = true;
        field.search.disabled = true;
        replaceOptions([], false);
        field.status.textContent = "Set " + missing.map((p) => (fields[p] && fields[p].schema.title) || p).join(", ") + " first";
        return;
      }
      c.disabled = false;
      field.search.disabled = false;
      const inputs = {};
      for (const name of takes) {
        const value = fields[name] ? readValue(fields[name]) : undefined;
        if (value !== undefined && !(value && value.invalid)) inputs[name] = value;
      }
      const search = field.search.value.trim();
      if (search && searchable) inputs.search = search;
      field.status.textContent = "Loading…";
      field.node.setAttribute("aria-busy", "true");
      let answer;
      try {
        answer = await apiWithProgress("/api/dataSources/" + encodeURIComponent(source.key), inputs, undefined, (report) => {
          if (mine === sequence) field.status.textContent = "Loading… " + describeProgress(report);
        });
      } catch (e) {
        answer = { ok: false, status: 0, data: { error: "NetworkError", message: "the server did not answer" } };
      }
      if (mine !== sequence) return;
      field.node.removeAttribute("aria-busy");
      field.failed = !answer.ok;
      if (!answer.ok) {
        field.status.textContent = "Could not load: " + (answer.data && answer.data.message || answer.status) +
          ". Type an id in the search box and press Enter to use it.";
        return;
      }
      let items = answer.data.result || [];
      if (search && !searchable) items = items.filter((i) => (i.label + " " + i.key).toLowerCase().includes(search.toLowerCase()));
      replaceOptions(items, Boolean(search));
      field.status.textContent = items.length + (items.length === 1 ? " choice" : " choices");
    }

    function replaceOptions(items, searching) {
      const c = field.control;
      const before = Array.from(c.selectedOptions).map((o) => o.value).filter(Boolean);
      c.textContent = "";
      if (!field.multiple) c.appendChild(el("option", { value: "", text: field.required ? "Choose…" : "(not set)" }));
      for (const item of items) c.appendChild(el("option", { value: item.key, text: item.label }));
      const offered = new Set(items.map((i) => i.key));
      const kept = [];
      for (const value of before) {
        if (offered.has(value)) kept.push(value);
        else if (searching) {
          // A search that hides a chosen value does not drop it: it is still a valid choice.
          c.appendChild(el("option", { value: value, text: value + " (chosen)" }));
          kept.push(value);
        }
      }
      for (const option of c.options) option.selected = kept.includes(option.value);
      if (!field.multiple && !kept.length) c.value = "";
      if (kept.join("\n") !== before.join("\n")) c.dispatchEvent(new Event("change", { bubbles: true }));
    }

    for (const name of takes) {
      if (fields[name] && fields[name] !== field) {
        fields[name].control.addEventListener("change", refresh);
      }
    }
    field.search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
    field.search.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowDown" && event.key !== "Enter") return;
      event.preventDefault();
      const typed = field.search.value.trim();
      if (event.key === "Enter" && field.failed && typed) {
        // The picklist cannot answer: the id typed is taken as it is.
        setValue(field, field.multiple ? (readValue(field) || []).concat([typed]) : typed);
        field.control.dispatchEvent(new Event("change", { bubbles: true }));
      }
      field.control.focus();
    });
    field.refresh = refresh;
  }

  // ------------------------------------------------------------------------ the handler
  async function openHandler(kind, key) {
    const handler = (state.manifest[kind] || {})[key];
    if (!handler) return;
    if (state.controller) state.controller.abort();
    state.current = { kind: kind, handler: handler, example: undefined };
    for (const button of $("handler-list").querySelectorAll("button.handler")) {
      const active = button.dataset.kind === kind && button.dataset.key === key;
      button.classList.toggle("active", active);
      if (active) button.setAttribute("aria-current", "page"); else button.removeAttribute("aria-current");
    }
    $("empty").hidden = true;
    $("handler").hidden = false;
    $("output").hidden = true;
    for (const id of ["output-meta", "result", "example", "calls", "progress"]) $(id).textContent = "";
    $("handler-title").textContent = handler.label + (kind === "dataSources" ? " (picklist)" : "");
    $("handler-description").textContent = handler.description || "";
    $("form-error").textContent = "";
    const schema = handler.inputs;
    const required = new Set(schema.required || []);
    const fields = {};
    const container = $("fields");
    container.textContent = "";
    const defaults = (state.connection && state.connection.defaults) || {};
    for (const [name, property] of Object.entries(schema.properties || {})) {
      fields[name] = makeField(name, property, required.has(name), schema, "f-");
      if (defaults[name] !== undefined) setValue(fields[name], defaults[name]);
      container.appendChild(fields[name].node);
    }
    state.fields = fields;
    for (const field of Object.values(fields)) {
      if (field.kind === "picklist") wirePicklist(field, fields, schema);
    }
    for (const field of Object.values(fields)) if (field.refresh) field.refresh();
    const examples = await api("GET", "/api/examples/" + kind + "/" + encodeURIComponent(key));
    if (state.current && state.current.handler === handler && examples.ok) state.current.example = examples.data;
  }

  function fillExample() {
    const current = state.current;
    if (!current) return;
    const input = current.handler.exampleInput || {};
    for (const [name, value] of Object.entries(input)) {
      const field = state.fields[name];
      if (field) { setValue(field, value); field.control.dispatchEvent(new Event("change", { bubbles: true })); }
    }
  }

  function elapsed(since) {
    return ((performance.now() - since) / 1000).toFixed(1) + " s";
  }

  async function run(event) {
    event.preventDefault();
    const current = state.current;
    if (!current || state.controller) return;
    clearErrors(state.fields, $("form-error"));
    const collected = collect(state.fields, current.handler.inputs);
    if (collected.errors.length) {
      showErrors(state.fields, collected.errors, $("form-error"));
      return;
    }
    const controller = new AbortController();
    state.controller = controller;
    const started = performance.now();
    $("run").disabled = true;
    $("cancel").hidden = false;
    // The last page report stays until the next one; a wait shows beside it until a page follows.
    const shown = { page: "", wait: "" };
    const render = () => {
      $("progress").textContent = ["Running… " + elapsed(started), shown.page, shown.wait].filter(Boolean).join(" · ");
    };
    render();
    const ticker = setInterval(render, 100);
    const onProgress = (report) => {
      if (report.kind === "page") { shown.page = describeProgress(report); shown.wait = ""; } else shown.wait = describeProgress(report);
      render();
    };
    let answer = null;
    try {
      answer = await apiWithProgress("/api/" + current.kind + "/" + encodeURIComponent(current.handler.key) + "?trace=1", collected.inputs, controller.signal, onProgress);
    } catch (e) {
      answer = e.name === "AbortError" ? null : { ok: false, status: 0, data: { error: "NetworkError", message: "the server did not answer" } };
    } finally {
      clearInterval(ticker);
      state.controller = null;
      $("run").disabled = false;
      $("cancel").hidden = true;
    }
    if (state.current !== current) return;
    if (answer === null) {
      $("progress").textContent = "Cancelled after " + elapsed(started);
      return;
    }
    $("progress").textContent = "";
    showOutput(current, answer, performance.now() - started);
    if (!answer.ok && answer.data && Array.isArray(answer.data.fields)) {
      showErrors(state.fields, answer.data.fields, $("form-error"));
    }
    // What a run changed may be offered by the picklists now: fetch them again.
    if (answer.ok) for (const field of Object.values(state.fields)) if (field.refresh) field.refresh();
  }

  function showOutput(current, answer, roundTrip) {
    const data = answer.data || {};
    $("output").hidden = false;
    const took = data.elapsedMs !== undefined ? data.elapsedMs + " ms in the component, " : "";
    const summary = answer.ok
      ? "Succeeded (HTTP " + answer.status + ") · " + took + Math.round(roundTrip) + " ms in all"
      : "Failed: " + (data.error || "error") + " (HTTP " + answer.status + ") · " + (data.message || "");
    $("output-meta").textContent = summary;
    $("output-meta").className = "meta " + (answer.ok ? "ok" : "failed");
    const shown = answer.ok ? data.output : Object.fromEntries(Object.entries(data).filter(([k]) => k !== "calls" && k !== "elapsedMs"));
    $("result").textContent = JSON.stringify(shown, null, 2);
    const sample = current.example ? current.example.examplePayload : undefined;
    $("example").textContent = sample === undefined || sample === null ? "(no example payload)" : JSON.stringify(sample, null, 2);
    const calls = $("calls");
    calls.textContent = "";
    for (const line of data.calls || []) calls.appendChild(el("li", { text: line }));
    if (!(data.calls || []).length) calls.appendChild(el("li", { class: "none", text: "(no HTTP call)" }));
  }

  // -------------------------------------------------------------------------- connection
  function describeConnection(view) {
    const props = ((state.manifest.connection || {}).inputs || {}).properties || {};
    if (!view.set) return "No connection set: enter one (Connection…).";
    if (view.emulator) return "Emulator: " + (view.note || "running against the built-in emulator at " + view.emulatorUrl);
    const parts = Object.entries(view.fields).map(([k, v]) => ((props[k] || {}).title || k) + ": " + v);
    for (const name of view.secretsSet) parts.push(((props[name] || {}).title || name) + ": set");
    return "Connection " + (view.source === "page" ? "entered here" : "from the environment") + " · " + parts.join(" · ");
  }

  let connectionFields = {};

  function renderConnection(view) {
    state.connection = view;
    $("connection-status").textContent = describeConnection(view);
    document.body.classList.toggle("emulator", Boolean(view.emulator));
    $("connection-reset").hidden = !view.canReset;
    const spec = (state.manifest.connection || {}).inputs || { properties: {} };
    const required = new Set(spec.required || []);
    const container = $("connection-fields");
    container.textContent = "";
    connectionFields = {};
    for (const [name, property] of Object.entries(spec.properties || {})) {
      const isSecret = view.secretsSet.includes(name);
      const field = makeField(name, property, required.has(name) && !isSecret, spec, "c-");
      if (view.fields[name] !== undefined && !view.emulator) setValue(field, view.fields[name]);
      if (isSecret) field.control.placeholder = "set (leave empty to keep it)";
      connectionFields[name] = field;
      container.appendChild(field.node);
    }
  }

  async function saveConnection(event) {
    event.preventDefault();
    clearErrors(connectionFields, $("connection-message"));
    const inputs = {};
    for (const field of Object.values(connectionFields)) {
      const value = readValue(field);
      if (value !== undefined) inputs[field.name] = value;
    }
    const answer = await api("PUT", "/api/connection", inputs);
    if (!answer.ok) {
      showErrors(connectionFields, answer.data.fields || [{ field: "", reason: answer.data.message }], $("connection-message"));
      return;
    }
    renderConnection(answer.data);
    $("connection-message").textContent = "Saved.";
  }

  async function testConnection() {
    $("connection-message").textContent = "Testing…";
    const answer = await api("POST", "/api/connection/test?trace=1");
    const data = answer.data || {};
    $("connection-message").textContent = answer.ok ? "The connection works." : "Failed: " + (data.message || answer.status);
  }

  async function resetConnection() {
    const answer = await api("DELETE", "/api/connection");
    if (answer.ok) { renderConnection(answer.data); $("connection-message").textContent = "Back to the server's connection."; }
  }

  // -------------------------------------------------------------------------------- start
  function route() {
    const match = /^#(actions|dataSources)\/(.+)$/.exec(location.hash);
    if (match) openHandler(match[1], decodeURIComponent(match[2]));
  }

  async function start() {
    const manifest = await api("GET", "/api/manifest");
    if (!manifest.ok) {
      $("connection-status").textContent = "Could not load the manifest: " + (manifest.data && manifest.data.message);
      return;
    }
    state.manifest = manifest.data;
    const info = state.manifest.component || {};
    $("title").textContent = (info.label || "Component") + " · configuration";
    document.title = (info.label || "Component") + " configuration";
    renderList();
    const connection = await api("GET", "/api/connection");
    if (connection.ok) renderConnection(connection.data);

    $("handler-search").addEventListener("input", filterList);
    $("handler-search").addEventListener("keydown", (event) => {
      const visible = visibleHandlers();
      if (event.key === "ArrowDown" && visible.length) { event.preventDefault(); visible[0].focus(); }
      if (event.key === "Enter" && visible.length) { event.preventDefault(); visible[0].click(); }
    });
    $("handler-list").addEventListener("keydown", (event) => {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      const visible = visibleHandlers();
      const at = visible.indexOf(document.activeElement);
      if (at < 0) return;
      event.preventDefault();
      const next = event.key === "ArrowDown" ? Math.min(at + 1, visible.length - 1) : at - 1;
      if (next < 0) $("handler-search").focus(); else visible[next].focus();
    });
    document.addEventListener("keydown", (event) => {
      const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
      if (event.key === "/" && !typing) { event.preventDefault(); $("handler-search").focus(); }
      if (event.key === "Escape" && state.controller) state.controller.abort();
    });
    $("handler-form").addEventListener("submit", run);
    $("cancel").addEventListener("click", () => { if (state.controller) state.controller.abort(); });
    $("fill-example").addEventListener("click", fillExample);
    $("connection-toggle").addEventListener("click", () => {
      const panel = $("connection-panel");
      panel.hidden = !panel.hidden;
      $("connection-toggle").setAttribute("aria-expanded", String(!panel.hidden));
      if (!panel.hidden) { const first = panel.querySelector("input, select, textarea"); if (first) first.focus(); }
    });
    $("connection-form").addEventListener("submit", saveConnection);
    $("connection-test").addEventListener("click", testConnection);
    $("connection-reset").addEventListener("click", resetConnection);
    window.addEventListener("hashchange", route);
    route();
    document.body.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", start);
})();
