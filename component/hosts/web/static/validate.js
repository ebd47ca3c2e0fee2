// A small JSON Schema validator: the parts of draft 2020-12 that handler input schemas use
// (type, required, properties, additionalProperties, items, minItems, maxItems, minLength,
// maxLength, pattern, minimum, maximum, enum, const, oneOf/anyOf, $ref into $defs). The server
// validates again with the full rules, so this only has to catch what a form can get wrong early.
"use strict";

(function () {
  function resolve(schema, root) {
    let seen = 0;
    while (schema && typeof schema.$ref === "string" && seen++ < 32) {
      const match = /^#\/\$defs\/(.+)$/.exec(schema.$ref);
      const target = match && root && root.$defs ? root.$defs[match[1]] : undefined;
      if (!target) return {};
      const rest = Object.assign({}, schema);
      delete rest.$ref;
      schema = Object.assign({}, target, rest);
    }
    return schema || {};
  }

  function typeOf(value) {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
  }

  function typeMatches(expected, value) {
    const actual = typeOf(value);
    const list = Array.isArray(expected) ? expected : [expected];
    return list.some((t) => t === actual || (t === "number" && actual === "integer"));
  }

  const NOUNS = { string: "text", integer: "a whole number", number: "a number", boolean: "true or false",
    object: "a JSON object", array: "a list", null: "empty" };

  function check(schema, value, path, root, errors) {
    schema = resolve(schema, root);
    const here = (message) => errors.push({ path: path, message: message });
    if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) {
      here("must be " + JSON.stringify(schema.const));
      return;
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((v) => JSON.stringify(v) === JSON.stringify(value))) {
      here("must be one of " + schema.enum.map((v) => JSON.stringify(v)).join(", "));
      return;
    }
    for (const key of ["oneOf", "anyOf"]) {
      if (Array.isArray(schema[key])) {
        const passing = schema[key].filter((option) => validate(option, value, root, path).length === 0);
        if (passing.length === 0) {
          const consts = schema[key].map((o) => resolve(o, root)).filter((o) => o.const !== undefined);
          if (consts.length === schema[key].length) {
            here("must be one of " + consts.map((o) => JSON.stringify(o.const)).join(", "));
          } else {
            const kinds = schema[key].map((o) => NOUNS[resolve(o, root).type] || "another shape");
            here("must be " + kinds.join(" or "));
          }
          return;
        }
      }
    }
    if (schema.type !== undefined && !typeMatches(schema.type, value)) {
      const list = Array.isArray(schema.type) ? schema.type : [schema.type];
      here("must be " + list.map((t) => NOUNS[t] || t).join(" or "));
      return;
    }
    const kind = typeOf(value);
    if (kind === "string") {
      const length = Array.from(value).length;
      if (schema.minLength !== undefined && length < schema.minLength) {
        here(schema.minLength === 1 ? "must not be empty" : "must be at least " + schema.minLength + " characters");
      }
      if (schema.maxLength !== undefined && length > schema.maxLength) {
        here("must be at most " + schema.maxLength + " characters");
      }
      if (typeof schema.pattern === "string") {
        let pattern = null;
        try { pattern = new RegExp(schema.pattern, "u"); } catch (e) { pattern = null; }
        if (pattern && !pattern.test(value)) here("does not have the expected form");
      }
    }
    if (kind === "integer" || kind === "number") {
      if (schema.minimum !== undefined && value < schema.minimum) here("must be at least " + schema.minimum);
      if (schema.maximum !== undefined && value > schema.maximum) here("must be at most " + schema.maximum);
    }
    if (kind === "array") {
      if (schema.minItems !== undefined && value.length < schema.minItems) {
        here("must have at least " + schema.minItems + (schema.minItems === 1 ? " item" : " items"));
      }
      if (schema.maxItems !== undefined && value.length > schema.maxItems) {
        here("must have at most " + schema.maxItems + " items");
      }
      if (schema.items && typeof schema.items === "object") {
        value.forEach((item, i) => check(schema.items, item, path + "[" + i + "]", root, errors));
      }
    }
    if (kind === "object") {
      const properties = schema.properties || {};
      for (const name of schema.required || []) {
        if (value[name] === undefined) errors.push({ path: join(path, name), message: "is required" });
      }
      for (const [name, item] of Object.entries(value)) {
        if (properties[name]) {
          check(properties[name], item, join(path, name), root, errors);
        } else if (schema.additionalProperties === false) {
          errors.push({ path: join(path, name), message: "is not an accepted field" });
        } else if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
          check(schema.additionalProperties, item, join(path, name), root, errors);
        }
      }
    }
  }

  function join(path, name) {
    return path ? path + "." + name : name;
  }

  // Every error of `value` against `schema`, each {path, message}; `root` holds the $defs.
  function validate(schema, value, root, path) {
    const errors = [];
    check(schema, value, path || "", root || schema, errors);
    return errors;
  }

  window.SchemaValidate = { validate: validate, resolve: resolve };
})();
