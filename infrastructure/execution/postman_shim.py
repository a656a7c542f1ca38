"""The ``pm`` shim the JavaScript sandbox runs Postman scripts with (sandbox.py).

It gives what Postman's sandbox gives a test script, without any I/O: ``pm.test``,
``pm.expect`` (a chai subset, with Postman's response assertions), ``pm.response``,
the variable scopes, the legacy globals (``tests``, ``responseBody``, ``responseCode``,
``postman.*``), ``tv4``, ``console`` (silent) and a lodash subset (postman_lodash.py).
``pm.sendRequest`` throws: a script that needs it is not evaluated.

The input is the JSON text ``__input``; ``__output()`` gives the results as JSON text.
``__validate(data, schema)`` (JSON texts in, JSON list of errors out) is a Python function
that checks JSON Schema, so tv4 and ``jsonSchema`` judge as the native checks do.
"""

SHIM = r"""
(function (global) {
  var input = JSON.parse(global.__input);
  var validate = global.__validate;
  delete global.__input;
  var out = { tests: [], sets: {}, errors: [], notes: [] };
  var SEND = { unavailable: "pm.sendRequest is not available" };
  var variables = input.variables;
  global.__output = function () { return JSON.stringify(out); };

  function typeOf(value) {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (value instanceof RegExp) return "regexp";
    if (value instanceof Date) return "date";
    return typeof value;
  }
  function inspect(value) {
    if (typeof value === "string") return JSON.stringify(value);
    if (value === undefined) return "undefined";
    if (typeof value === "function") return "[Function]";
    try { var text = JSON.stringify(value); return text === undefined ? String(value) : text.slice(0, 200); }
    catch (e) { return String(value); }
  }
  function deepEqual(a, b) {
    if (a === b) return a !== 0 || 1 / a === 1 / b;
    if (a !== a && b !== b) return true;
    if (typeOf(a) !== typeOf(b)) return false;
    if (typeOf(a) === "date") return a.getTime() === b.getTime();
    if (typeOf(a) === "regexp") return String(a) === String(b);
    if (typeof a !== "object" || a === null) return false;
    if (Array.isArray(a)) {
      if (a.length !== b.length) return false;
      for (var i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
      return true;
    }
    var ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (var j = 0; j < ka.length; j++) {
      if (!Object.prototype.hasOwnProperty.call(b, ka[j]) || !deepEqual(a[ka[j]], b[ka[j]])) return false;
    }
    return true;
  }
  function pathGet(object, path) {
    var parts = String(path).replace(/\[(\w+)\]/g, ".$1").split(".").filter(function (p) { return p !== ""; });
    var found = object;
    for (var i = 0; i < parts.length; i++) {
      if (found === null || found === undefined) return { has: false };
      if (!(typeof found === "object" || typeof found === "string") || !(parts[i] in Object(found))) return { has: false };
      found = found[parts[i]];
    }
    return { has: true, value: found };
  }

  function AssertionError(message) { this.name = "AssertionError"; this.message = message; }
  AssertionError.prototype = Object.create(Error.prototype);
  AssertionError.prototype.constructor = AssertionError;

  function Assertion(object, message) { this._obj = object; this._flags = { message: message }; }
  var proto = Assertion.prototype;
  function check(self, ok, message, negated) {
    if (self._flags.negate) { ok = !ok; message = negated; }
    if (!ok) throw new AssertionError((self._flags.message ? self._flags.message + ": " : "") + message);
  }
  function subject(self) {
    if (self._flags.doLength) {
      var object = self._obj;
      if (object === null || object === undefined || object.length === undefined) {
        throw new AssertionError("expected " + inspect(object) + " to have a property 'length'");
      }
      return object.length;
    }
    return self._obj;
  }
  function words(list, getter) {
    list.forEach(function (word) { Object.defineProperty(proto, word, { get: getter, configurable: true }); });
  }
  function method(list, fn) {
    list.forEach(function (word) {
      Object.defineProperty(proto, word, {
        get: function () { var self = this; return function () { fn.apply(self, arguments); return self; }; },
        configurable: true
      });
    });
  }
  function chainable(list, fn, chaining) {
    list.forEach(function (word) {
      Object.defineProperty(proto, word, {
        get: function () {
          var self = this;
          if (chaining) chaining.call(self);
          var call = function () { fn.apply(self, arguments); return self; };
          Object.setPrototypeOf(call, self);
          return call;
        },
        configurable: true
      });
    });
  }
  words(["to", "be", "been", "is", "that", "which", "and", "has", "have", "with", "at", "of",
         "same", "but", "does", "still", "also", "itself"], function () { return this; });
  words(["not"], function () { this._flags.negate = !this._flags.negate; return this; });
  words(["deep"], function () { this._flags.deep = true; return this; });
  words(["own"], function () { this._flags.own = true; return this; });
  words(["nested"], function () { this._flags.nested = true; return this; });
  words(["any"], function () { this._flags.any = true; this._flags.all = false; return this; });
  words(["all"], function () { this._flags.all = true; this._flags.any = false; return this; });
  words(["ordered"], function () { this._flags.ordered = true; return this; });

  var isResponse = function (self) { return self._obj === response; };
  var classes = {
    success: [200, 299], info: [100, 199], redirection: [300, 399], clientError: [400, 499],
    serverError: [500, 599], error: [400, 599], accepted: [202, 202], badRequest: [400, 400],
    unauthorized: [401, 401], unauthorised: [401, 401], forbidden: [403, 403], notFound: [404, 404],
    rateLimited: [429, 429], created: [201, 201]
  };
  Object.keys(classes).forEach(function (word) {
    words([word], function () {
      var range = classes[word], code = response.code;
      check(this, code >= range[0] && code <= range[1],
        "expected response code to be " + word + " but got " + code,
        "expected response code not to be " + word + " but got " + code);
      return this;
    });
  });
  words(["ok"], function () {
    if (isResponse(this)) {
      check(this, response.code === 200, "expected response code to be 200 but got " + response.code,
        "expected response code not to be 200");
    } else {
      check(this, !!this._obj, "expected " + inspect(this._obj) + " to be truthy", "expected " + inspect(this._obj) + " to be falsy");
    }
    return this;
  });
  [["true", true], ["false", false], ["null", null], ["undefined", undefined]].forEach(function (pair) {
    words([pair[0]], function () {
      check(this, this._obj === pair[1], "expected " + inspect(this._obj) + " to be " + pair[0],
        "expected " + inspect(this._obj) + " not to be " + pair[0]);
      return this;
    });
  });
  words(["NaN"], function () { check(this, this._obj !== this._obj, "expected NaN", "expected not NaN"); return this; });
  words(["exist", "exists"], function () {
    check(this, this._obj !== null && this._obj !== undefined, "expected " + inspect(this._obj) + " to exist",
      "expected " + inspect(this._obj) + " not to exist");
    return this;
  });
  words(["empty"], function () {
    var object = this._obj, size;
    if (typeof object === "string" || Array.isArray(object)) size = object.length;
    else if (object && typeof object === "object") size = Object.keys(object).length;
    else throw new AssertionError(".empty was passed non-string primitive " + inspect(object));
    check(this, size === 0, "expected " + inspect(object) + " to be empty", "expected " + inspect(object) + " not to be empty");
    return this;
  });
  words(["json"], function () {
    var parsed = true;
    try { JSON.parse(input.body); } catch (e) { parsed = false; }
    check(this, parsed, "expected response body to be a valid json", "expected response body not to be a valid json");
    return this;
  });
  words(["withBody"], function () {
    check(this, input.body.length > 0, "expected response to have content in body", "expected response to not have content in body");
    return this;
  });

  function equal(expected) {
    var actual = subject(this);
    var ok = this._flags.deep ? deepEqual(actual, expected) : actual === expected;
    check(this, ok, "expected " + inspect(actual) + " to " + (this._flags.deep ? "deeply " : "") + "equal " + inspect(expected),
      "expected " + inspect(actual) + " to not equal " + inspect(expected));
  }
  method(["equal", "equals", "eq"], equal);
  method(["eql", "eqls"], function (expected) {
    var actual = subject(this);
    check(this, deepEqual(actual, expected), "expected " + inspect(actual) + " to deeply equal " + inspect(expected),
      "expected " + inspect(actual) + " to not deeply equal " + inspect(expected));
  });
  function compare(name, test) {
    return function (limit) {
      var actual = subject(this);
      if (typeof actual !== "number" && !(actual instanceof Date)) {
        throw new AssertionError("expected " + inspect(actual) + " to be a number or a date");
      }
      check(this, test(actual, limit), "expected " + inspect(actual) + " to be " + name + " " + inspect(limit),
        "expected " + inspect(actual) + " to be not " + name + " " + inspect(limit));
    };
  }
  method(["above", "gt", "greaterThan"], compare("above", function (a, b) { return a > b; }));
  method(["least", "gte", "greaterThanOrEqual"], compare("at least", function (a, b) { return a >= b; }));
  method(["below", "lt", "lessThan"], compare("below", function (a, b) { return a < b; }));
  method(["most", "lte", "lessThanOrEqual"], compare("at most", function (a, b) { return a <= b; }));
  method(["within"], function (low, high) {
    var actual = subject(this);
    check(this, actual >= low && actual <= high, "expected " + inspect(actual) + " to be within " + low + ".." + high,
      "expected " + inspect(actual) + " to not be within " + low + ".." + high);
  });
  method(["closeTo", "approximately"], function (expected, delta) {
    var actual = subject(this);
    check(this, Math.abs(actual - expected) <= delta, "expected " + inspect(actual) + " to be close to " + expected,
      "expected " + inspect(actual) + " not to be close to " + expected);
  });
  chainable(["a", "an"], function (type) {
    var actual = typeOf(this._obj), wanted = String(type).toLowerCase();
    check(this, actual === wanted, "expected " + inspect(this._obj) + " to be a " + wanted,
      "expected " + inspect(this._obj) + " not to be a " + wanted);
  });
  function includes(container, item, deep) {
    if (typeof container === "string") return container.indexOf(item) !== -1;
    if (Array.isArray(container)) {
      return container.some(function (each) { return deep ? deepEqual(each, item) : each === item; });
    }
    if (container && typeof container === "object" && item && typeof item === "object") {
      return Object.keys(item).every(function (key) {
        return key in container && (deep ? deepEqual(container[key], item[key]) : container[key] === item[key]);
      });
    }
    throw new AssertionError("the given combination of arguments (" + typeOf(container) + " and " + typeOf(item) + ") is invalid for this assertion");
  }
  chainable(["include", "includes", "contain", "contains"], function (item) {
    check(this, includes(this._obj, item, this._flags.deep), "expected " + inspect(this._obj) + " to include " + inspect(item),
      "expected " + inspect(this._obj) + " to not include " + inspect(item));
  }, function () { this._flags.contains = true; });
  chainable(["length", "lengthOf"], function (size) {
    var object = this._obj;
    var actual = object === null || object === undefined ? undefined : object.length;
    check(this, actual === size, "expected " + inspect(object) + " to have a length of " + size + " but got " + actual,
      "expected " + inspect(object) + " to not have a length of " + size);
  }, function () { this._flags.doLength = true; });
  method(["property", "haveOwnProperty", "ownProperty"], function (name, value) {
    var object = this._obj, found;
    if (this._flags.nested) found = pathGet(object, name);
    else {
      var has = object !== null && object !== undefined && (this._flags.own
        ? Object.prototype.hasOwnProperty.call(object, name) : name in Object(object));
      found = { has: has, value: has ? object[name] : undefined };
    }
    if (arguments.length > 1) {
      var same = found.has && (this._flags.deep ? deepEqual(found.value, value) : found.value === value);
      check(this, same, "expected " + inspect(object) + " to have property " + inspect(name) + " of " + inspect(value) + ", but got " + inspect(found.value),
        "expected " + inspect(object) + " to not have property " + inspect(name) + " of " + inspect(value));
    } else {
      check(this, found.has, "expected " + inspect(object) + " to have property " + inspect(name),
        "expected " + inspect(object) + " to not have property " + inspect(name));
    }
    if (!this._flags.negate) this._obj = found.value;
  });
  method(["match", "matches"], function (pattern) {
    check(this, pattern.test(this._obj), "expected " + inspect(this._obj) + " to match " + pattern,
      "expected " + inspect(this._obj) + " not to match " + pattern);
  });
  method(["string"], function (part) {
    check(this, String(this._obj).indexOf(part) !== -1, "expected " + inspect(this._obj) + " to contain " + inspect(part),
      "expected " + inspect(this._obj) + " to not contain " + inspect(part));
  });
  method(["oneOf"], function (list) {
    var actual = this._obj, deep = this._flags.deep;
    var ok = list.some(function (item) { return deep ? deepEqual(item, actual) : item === actual; });
    check(this, ok, "expected " + inspect(actual) + " to be one of " + inspect(list),
      "expected " + inspect(actual) + " to not be one of " + inspect(list));
  });
  method(["keys", "key"], function () {
    var wanted = Array.prototype.slice.call(arguments);
    if (wanted.length === 1 && Array.isArray(wanted[0])) wanted = wanted[0];
    else if (wanted.length === 1 && wanted[0] && typeof wanted[0] === "object") wanted = Object.keys(wanted[0]);
    var actual = Object.keys(Object(this._obj));
    var present = wanted.filter(function (key) { return actual.indexOf(String(key)) !== -1; });
    var ok = this._flags.any ? present.length > 0
      : present.length === wanted.length && (this._flags.contains || actual.length === wanted.length);
    check(this, ok, "expected " + inspect(this._obj) + " to have keys " + inspect(wanted),
      "expected " + inspect(this._obj) + " to not have keys " + inspect(wanted));
  });
  method(["members"], function (set) {
    var actual = this._obj, deep = this._flags.deep;
    var has = function (list, item) { return list.some(function (each) { return deep ? deepEqual(each, item) : each === item; }); };
    var ok = Array.isArray(actual) && set.every(function (item) { return has(actual, item); }) &&
      (this._flags.contains || (actual.length === set.length && actual.every(function (item) { return has(set, item); })));
    check(this, ok, "expected " + inspect(actual) + " to have the members " + inspect(set),
      "expected " + inspect(actual) + " to not have the members " + inspect(set));
  });
  method(["satisfy", "satisfies"], function (predicate) {
    check(this, !!predicate(this._obj), "expected " + inspect(this._obj) + " to satisfy the function",
      "expected " + inspect(this._obj) + " to not satisfy the function");
  });
  method(["instanceof", "instanceOf"], function (kind) {
    check(this, this._obj instanceof kind, "expected " + inspect(this._obj) + " to be an instance of " + (kind && kind.name),
      "expected " + inspect(this._obj) + " to not be an instance of " + (kind && kind.name));
  });
  method(["status"], function (wanted) {
    var actual = typeof wanted === "number" ? response.code : response.status;
    check(this, actual === wanted, "expected response to have status code " + inspect(wanted) + " but got " + inspect(actual),
      "expected response to not have status code " + inspect(wanted));
  });
  method(["header"], function (name, value) {
    var actual = response.headers.get(name);
    check(this, actual !== undefined, "expected response to have header with key '" + name + "'",
      "expected response to not have header with key '" + name + "'");
    if (arguments.length > 1 && !this._flags.negate) {
      check(this, actual === value, "expected '" + name + "' response header to be '" + value + "' but got '" + actual + "'", "");
    }
  });
  method(["body"], function (wanted) {
    var text = input.body, ok;
    if (arguments.length === 0) ok = text.length > 0;
    else if (wanted instanceof RegExp) ok = wanted.test(text);
    else if (typeof wanted === "string") ok = text === wanted;
    else { try { ok = deepEqual(JSON.parse(text), wanted); } catch (e) { ok = false; } }
    check(this, ok, "expected response body to be " + inspect(wanted), "expected response body not to be " + inspect(wanted));
  });
  method(["jsonBody"], function (path, value) {
    var body;
    try { body = JSON.parse(input.body); } catch (e) {
      check(this, false, "expected response body to be a valid json", "expected response body not to be a valid json");
      return;
    }
    if (arguments.length === 0) return;
    var found = pathGet(body, path);
    var ok = found.has && (arguments.length < 2 || deepEqual(found.value, value));
    check(this, ok, "expected response body json at " + inspect(path) + " to contain " + inspect(value),
      "expected response body json at " + inspect(path) + " not to contain " + inspect(value));
  });
  method(["jsonSchema"], function (schema) {
    var data = isResponse(this) ? response.json() : this._obj;
    var errors = validate(data, schema);
    check(this, errors.length === 0, "expected data to satisfy schema but found error: " + errors.join("; "),
      "expected data to not satisfy schema");
  });

  function expect(value, message) { return new Assertion(value, message); }
  expect.fail = function (message) { throw new AssertionError(message || "expect.fail()"); };

  function lookup(name) { return Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined; }
  function replaceIn(template) {
    return String(template).replace(/\{\{\s*([^{}]+?)\s*\}\}/g, function (whole, name) {
      var value = lookup(name);
      return value === undefined ? whole : (typeof value === "string" ? value : JSON.stringify(value));
    });
  }
  function scope() {
    return {
      get: lookup,
      has: function (name) { return lookup(name) !== undefined; },
      set: function (name, value) {
        variables[name] = value;
        out.sets[name] = value === undefined ? null : value;
      },
      unset: function (name) { delete variables[name]; },
      clear: function () {},
      toObject: function () { return JSON.parse(JSON.stringify(variables)); },
      replaceIn: replaceIn
    };
  }

  var headerList = input.headers;
  var headers = {
    get: function (name) {
      var wanted = String(name).toLowerCase();
      for (var i = 0; i < headerList.length; i++) if (headerList[i][0] === wanted) return headerList[i][1];
      return undefined;
    },
    has: function (name, value) {
      var found = headers.get(name);
      return found !== undefined && (arguments.length < 2 || found === value);
    },
    toObject: function () {
      var object = {};
      headerList.forEach(function (pair) { object[pair[0]] = pair[1]; });
      return object;
    },
    all: function () { return headerList.map(function (pair) { return { key: pair[0], value: pair[1] }; }); },
    each: function (fn) { headers.all().forEach(fn); },
    count: function () { return headerList.length; }
  };
  var response = {
    code: input.status,
    status: input.reason,
    responseTime: input.time,
    responseSize: input.body.length,
    headers: headers,
    text: function () { return input.body; },
    json: function () { return JSON.parse(input.body); },
    reason: function () { return input.reason; }
  };
  Object.defineProperty(response, "to", { get: function () { return new Assertion(response); } });

  function sendRequest() { throw SEND; }
  // The sandbox's own limits are not the script's to catch: they stop everything.
  // Out of memory, QuickJS may throw null, having no room left for an error object.
  function fatal(error) { if (error === null || error instanceof InternalError) throw error; }
  function record(name, error) {
    if (error === SEND) out.tests.push({ name: name, skipped: SEND.unavailable });
    else if (error) out.tests.push({ name: name, passed: false, error: String(error && error.message !== undefined ? (error.name ? error.name + ": " : "") + error.message : error).slice(0, 500) });
    else out.tests.push({ name: name, passed: true });
  }
  var pm = {
    test: function (name, fn) {
      name = String(name);
      try {
        if (typeof fn === "function") fn(function (error) { if (error) throw error; });
        record(name, null);
      } catch (error) { fatal(error); record(name, error); }
    },
    expect: expect,
    response: response,
    request: { method: input.method, url: { toString: function () { return input.url; } }, headers: { get: function () { return undefined; } } },
    environment: scope(),
    globals: scope(),
    collectionVariables: scope(),
    variables: scope(),
    iterationData: { get: function () { return undefined; }, has: function () { return false; }, toObject: function () { return {}; } },
    info: { eventName: "test", iteration: 0, iterationCount: 1, requestName: input.name, requestId: "" },
    sendRequest: sendRequest,
    cookies: { get: function () { return undefined; }, has: function () { return false; }, toObject: function () { return {}; } }
  };
  pm.test.skip = function () {};
  pm.execution = { setNextRequest: function () { out.notes.push("setNextRequest"); } };

  var legacyHeaders = new Proxy({}, {
    get: function (target, name) { return typeof name === "string" ? headers.get(name) : undefined; },
    has: function (target, name) { return headers.get(name) !== undefined; }
  });
  global.pm = pm;
  global.responseBody = input.body;
  global.responseCode = { code: input.status, name: input.reason, detail: input.reason };
  global.responseHeaders = legacyHeaders;
  global.responseTime = input.time;
  global.iteration = 0;
  global.data = {};
  global.environment = variables;
  global.globals = variables;
  global.postman = {
    setEnvironmentVariable: pm.environment.set,
    setGlobalVariable: pm.globals.set,
    getEnvironmentVariable: lookup,
    getGlobalVariable: lookup,
    clearEnvironmentVariable: pm.environment.unset,
    clearGlobalVariable: pm.globals.unset,
    getResponseHeader: headers.get,
    setNextRequest: pm.execution.setNextRequest
  };
  global.tv4 = {
    error: null,
    validate: function (data, schema) {
      var errors = validate(data, schema);
      global.tv4.error = errors.length ? { message: errors[0] } : null;
      return errors.length === 0;
    }
  };
  global.tv4.validateResult = function (data, schema) {
    return { valid: global.tv4.validate(data, schema), error: global.tv4.error };
  };
  var silent = function () {};
  global.console = { log: silent, info: silent, warn: silent, error: silent, debug: silent };

  global.__script = function (body) {
    global.tests = {};
    try {
      body();
    } catch (error) {
      fatal(error);
      if (error === SEND) out.errors.push({ unavailable: SEND.unavailable });
      else out.errors.push({ error: String(error && error.name ? error.name + ": " + error.message : error).slice(0, 500) });
    }
    Object.keys(global.tests).forEach(function (name) {
      out.tests.push(global.tests[name] ? { name: name, passed: true } : { name: name, passed: false, error: "the test's value is falsy" });
    });
  };
})(globalThis);
"""
