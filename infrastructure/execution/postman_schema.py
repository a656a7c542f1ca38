"""The JSON Schema check (``__validate``) behind ``tv4.validate`` and ``jsonSchema`` in the
JavaScript sandbox (sandbox.py).

It runs inside the sandbox, under its limits: QuickJS refuses calls into Python while a
time limit is set, and a way out of the sandbox is one more thing to guard. It covers
the keywords Postman collections use (draft 4 to 2020-12): type, enum, const, required,
properties, additionalProperties, patternProperties, items (a schema or a list),
min/maxItems, uniqueItems, min/maxLength, pattern, minimum/maximum (and exclusive),
multipleOf, min/maxProperties, allOf/anyOf/oneOf/not, and ``$ref`` to ``#/...``. Other
keywords (format, say) are not checked, as tv4 does not check them either.
"""

SCHEMA = r"""
(function (global) {
  function kind(value) {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function resolve(root, ref) {
    var found = root;
    String(ref).replace(/^#\/?/, "").split("/").filter(Boolean).forEach(function (part) {
      found = found === undefined ? undefined : found[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    });
    return found;
  }
  function check(value, schema, root, at, errors) {
    if (schema === true || schema === undefined || schema === null) return;
    if (schema === false) { errors.push(at + ": no value is allowed"); return; }
    if (schema.$ref !== undefined) {
      var target = resolve(root, schema.$ref);
      if (target === undefined) errors.push(at + ": cannot resolve " + schema.$ref);
      else check(value, target, root, at, errors);
      return;
    }
    var type = kind(value);
    if (schema.type !== undefined) {
      var types = [].concat(schema.type);
      var fits = types.some(function (t) { return t === type || (t === "number" && type === "integer"); });
      if (!fits) { errors.push(at + ": " + type + " is not " + types.join(" or ")); return; }
    }
    if (schema.enum && !schema.enum.some(function (item) { return same(item, value); })) errors.push(at + ": not one of the enum");
    if (schema.const !== undefined && !same(schema.const, value)) errors.push(at + ": not the const value");
    if (type === "object") {
      var keys = Object.keys(value);
      (schema.required || []).forEach(function (name) {
        if (!Object.prototype.hasOwnProperty.call(value, name)) errors.push(at + ": missing property " + name);
      });
      var properties = schema.properties || {}, patterns = schema.patternProperties || {};
      keys.forEach(function (name) {
        var known = false;
        if (Object.prototype.hasOwnProperty.call(properties, name)) { known = true; check(value[name], properties[name], root, at + "." + name, errors); }
        Object.keys(patterns).forEach(function (pattern) {
          if (new RegExp(pattern).test(name)) { known = true; check(value[name], patterns[pattern], root, at + "." + name, errors); }
        });
        if (!known && schema.additionalProperties !== undefined) {
          if (schema.additionalProperties === false) errors.push(at + ": property " + name + " is not allowed");
          else check(value[name], schema.additionalProperties, root, at + "." + name, errors);
        }
      });
      if (schema.minProperties !== undefined && keys.length < schema.minProperties) errors.push(at + ": too few properties");
      if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) errors.push(at + ": too many properties");
    }
    if (type === "array") {
      if (Array.isArray(schema.items)) {
        schema.items.forEach(function (item, i) { if (i < value.length) check(value[i], item, root, at + "[" + i + "]", errors); });
      } else if (schema.items !== undefined) {
        value.forEach(function (item, i) { check(item, schema.items, root, at + "[" + i + "]", errors); });
      }
      if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(at + ": too few items");
      if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(at + ": too many items");
      if (schema.uniqueItems && value.some(function (item, i) { return value.some(function (other, j) { return j < i && same(item, other); }); })) {
        errors.push(at + ": items are not unique");
      }
    }
    if (type === "string") {
      if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(at + ": too short");
      if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(at + ": too long");
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) errors.push(at + ": does not match " + schema.pattern);
    }
    if (type === "number" || type === "integer") {
      var exclusiveMin = schema.exclusiveMinimum, exclusiveMax = schema.exclusiveMaximum;
      if (schema.minimum !== undefined && (exclusiveMin === true ? value <= schema.minimum : value < schema.minimum)) errors.push(at + ": below the minimum");
      if (schema.maximum !== undefined && (exclusiveMax === true ? value >= schema.maximum : value > schema.maximum)) errors.push(at + ": above the maximum");
      if (typeof exclusiveMin === "number" && value <= exclusiveMin) errors.push(at + ": not above " + exclusiveMin);
      if (typeof exclusiveMax === "number" && value >= exclusiveMax) errors.push(at + ": not below " + exclusiveMax);
      if (schema.multipleOf !== undefined && Math.abs(value / schema.multipleOf - Math.round(value / schema.multipleOf)) > 1e-9) errors.push(at + ": not a multiple of " + schema.multipleOf);
    }
    (schema.allOf || []).forEach(function (part) { check(value, part, root, at, errors); });
    var passing = function (part) { var found = []; check(value, part, root, at, found); return found.length === 0; };
    if (schema.anyOf && !schema.anyOf.some(passing)) errors.push(at + ": matches none of anyOf");
    if (schema.oneOf && schema.oneOf.filter(passing).length !== 1) errors.push(at + ": does not match exactly one of oneOf");
    if (schema.not !== undefined && passing(schema.not)) errors.push(at + ": matches the schema of not");
  }
  global.__validate = function (value, schema) {
    var errors = [];
    check(value, schema, schema, "$", errors);
    return errors;
  };
})(globalThis);
"""
