"""The lodash subset (``_``) the JavaScript sandbox gives Postman scripts (sandbox.py).

Postman's sandbox has lodash; scripts mostly use it to loop (``_.each``) and to look
into bodies (``_.get``, ``_.keys``, ``_.find``). Collections get iterated by value.
"""

LODASH = r"""
(function (global) {
  function values(collection) {
    if (Array.isArray(collection) || typeof collection === "string") return Array.prototype.slice.call(collection);
    return collection && typeof collection === "object" ? Object.keys(collection).map(function (k) { return collection[k]; }) : [];
  }
  function keys(collection) { return collection && typeof collection === "object" ? Object.keys(collection) : []; }
  function iteratee(fn) {
    if (typeof fn === "function") return fn;
    if (typeof fn === "string") return function (item) { return _.get(item, fn); };
    if (fn && typeof fn === "object") return function (item) { return _.isMatch(item, fn); };
    return function (item) { return item; };
  }
  function each(collection, fn) {
    if (Array.isArray(collection)) {
      for (var i = 0; i < collection.length; i++) if (fn(collection[i], i, collection) === false) break;
    } else {
      var list = keys(collection);
      for (var j = 0; j < list.length; j++) if (fn(collection[list[j]], list[j], collection) === false) break;
    }
    return collection;
  }
  var _ = {
    each: each,
    forEach: each,
    map: function (c, fn) { var f = iteratee(fn), r = []; each(c, function (v, k, o) { r.push(f(v, k, o)); }); return r; },
    filter: function (c, fn) { var f = iteratee(fn); return values(c).filter(function (v) { return f(v); }); },
    reject: function (c, fn) { var f = iteratee(fn); return values(c).filter(function (v) { return !f(v); }); },
    find: function (c, fn) { var f = iteratee(fn); return values(c).find(function (v) { return f(v); }); },
    findIndex: function (a, fn) { var f = iteratee(fn); return (a || []).findIndex(function (v) { return f(v); }); },
    some: function (c, fn) { var f = iteratee(fn); return values(c).some(function (v) { return f(v); }); },
    every: function (c, fn) { var f = iteratee(fn); return values(c).every(function (v) { return f(v); }); },
    reduce: function (c, fn, start) { var acc = start; each(c, function (v, k, o) { acc = fn(acc, v, k, o); }); return acc; },
    keys: keys,
    values: values,
    size: function (c) { return typeof c === "string" ? c.length : values(c).length; },
    has: function (o, path) { return _.get(o, path, undefined) !== undefined; },
    get: function (o, path, fallback) {
      var parts = Array.isArray(path) ? path : String(path).replace(/\[(\w+)\]/g, ".$1").split(".");
      var found = o;
      for (var i = 0; i < parts.length; i++) {
        if (found === null || found === undefined) return fallback;
        found = found[parts[i]];
      }
      return found === undefined ? fallback : found;
    },
    includes: function (c, v) { return typeof c === "string" ? c.indexOf(v) !== -1 : values(c).indexOf(v) !== -1; },
    isMatch: function (o, source) { return Object.keys(source).every(function (k) { return o && _.isEqual(o[k], source[k]); }); },
    isEqual: function (a, b) { return JSON.stringify(a) === JSON.stringify(b); },
    isArray: Array.isArray,
    isObject: function (v) { return v !== null && (typeof v === "object" || typeof v === "function"); },
    isPlainObject: function (v) { return v !== null && typeof v === "object" && !Array.isArray(v); },
    isString: function (v) { return typeof v === "string"; },
    isNumber: function (v) { return typeof v === "number"; },
    isInteger: Number.isInteger,
    isBoolean: function (v) { return typeof v === "boolean"; },
    isFunction: function (v) { return typeof v === "function"; },
    isNull: function (v) { return v === null; },
    isNil: function (v) { return v === null || v === undefined; },
    isUndefined: function (v) { return v === undefined; },
    isEmpty: function (v) { return v === null || v === undefined || (typeof v === "object" ? keys(v).length === 0 : typeof v === "string" ? v.length === 0 : true); },
    first: function (a) { return a ? a[0] : undefined; },
    head: function (a) { return a ? a[0] : undefined; },
    last: function (a) { return a ? a[a.length - 1] : undefined; },
    uniq: function (a) { return (a || []).filter(function (v, i, all) { return all.indexOf(v) === i; }); },
    flatten: function (a) { return [].concat.apply([], a || []); },
    range: function (start, end, step) {
      if (end === undefined) { end = start; start = 0; }
      step = step || 1;
      var r = [];
      for (var i = start; step > 0 ? i < end : i > end; i += step) r.push(i);
      return r;
    },
    times: function (n, fn) { var r = []; for (var i = 0; i < n; i++) r.push(fn ? fn(i) : i); return r; },
    sortBy: function (c, fn) {
      var f = iteratee(fn);
      return values(c).slice().sort(function (a, b) { var x = f(a), y = f(b); return x < y ? -1 : x > y ? 1 : 0; });
    },
    pick: function (o, names) { var r = {}; [].concat(names).forEach(function (k) { if (o && k in o) r[k] = o[k]; }); return r; },
    omit: function (o, names) { var r = {}, gone = [].concat(names); keys(o).forEach(function (k) { if (gone.indexOf(k) === -1) r[k] = o[k]; }); return r; },
    sum: function (a) { return (a || []).reduce(function (x, y) { return x + y; }, 0); },
    max: function (a) { return a && a.length ? Math.max.apply(null, a) : undefined; },
    min: function (a) { return a && a.length ? Math.min.apply(null, a) : undefined; },
    indexOf: function (a, v) { return (a || []).indexOf(v); },
    groupBy: function (c, fn) { var f = iteratee(fn), r = {}; each(c, function (v) { var k = f(v); (r[k] = r[k] || []).push(v); }); return r; },
    countBy: function (c, fn) { var f = iteratee(fn), r = {}; each(c, function (v) { var k = f(v); r[k] = (r[k] || 0) + 1; }); return r; },
    keyBy: function (c, fn) { var f = iteratee(fn), r = {}; each(c, function (v) { r[f(v)] = v; }); return r; },
    clone: function (v) { return v && typeof v === "object" ? (Array.isArray(v) ? v.slice() : Object.assign({}, v)) : v; },
    cloneDeep: function (v) { return v === undefined ? v : JSON.parse(JSON.stringify(v)); },
    assign: Object.assign,
    toLower: function (s) { return String(s).toLowerCase(); },
    toUpper: function (s) { return String(s).toUpperCase(); },
    trim: function (s) { return String(s).trim(); },
    startsWith: function (s, p) { return String(s).indexOf(p) === 0; },
    endsWith: function (s, p) { s = String(s); return s.slice(s.length - String(p).length) === String(p); },
    random: function (low, high) { return low + Math.floor(Math.random() * (high - low + 1)); }
  };
  _.contains = _.includes;
  global._ = _;
})(globalThis);
"""
