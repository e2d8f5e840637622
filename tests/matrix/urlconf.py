"""Every route of the URLconf, with the HTTP methods it serves.

A route is keyed by its pattern, made readable: the prefixes of its includes joined, regex
anchors dropped and each group shown as `<name>` (`api/v1/requests/<pk>/accept/`,
`directory/<pk>/`, `admin/<app_label>/`). Format-suffix variants (`.json`, added by DRF's
`format_suffix_patterns` or a DefaultRouter) are listed as routes of their own, flagged with
the route they repeat: they serve the same view, so they answer to the same expectations.
"""

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

# Methods a page can be sent by a browser; every route is tried with both.
BROWSER_METHODS = ("GET", "POST")
# Methods that are never part of an expectation: HEAD mirrors GET, OPTIONS describes the route.
IGNORED_METHODS = {"head", "options", "trace"}
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")

_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")
_CONVERTER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>")
_FORMAT_SUFFIX = re.compile(r"\.?<format>(?:/\?)?")


@dataclass(frozen=True)
class Route:
    key: str  # the readable pattern, e.g. "api/v1/requests/<pk>/accept/"
    name: str | None  # the namespaced URL name, e.g. "request-accept", "admin:index"
    view: str  # dotted path of the view, for messages
    params: tuple[str, ...]  # the path parameters, in order
    methods: tuple[str, ...]  # methods tried: GET, POST and any other method the view serves
    suffix_of: str | None = None  # the route a format-suffix variant repeats
    callback: object = field(default=None, compare=False, repr=False)

    @property
    def is_admin(self) -> bool:
        return self.key == "admin/" or self.key.startswith("admin/")

    @property
    def is_api(self) -> bool:
        return self.key.startswith("api/")


def _readable_regex(regex: str) -> str:
    """`^requests/(?P<pk>[^/.]+)/$` → `requests/<pk>/`: a named group becomes `<name>`, an
    unnamed one `<argN>` (N counts the unnamed groups from 1, as Django passes them)."""
    out, i, unnamed = [], 0, 0
    regex = regex.removeprefix("^")
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            out.append(regex[i : i + 2])
            i += 2
            continue
        named = _GROUP.match(regex, i)
        if char != "(" or (named is None and regex.startswith("(?", i)):
            out.append(char)
            i += 1
            continue
        if named is not None:
            label, j = named["name"], named.end()
        else:
            unnamed += 1
            label, j = f"arg{unnamed}", i + 1
        depth = 1
        while depth:  # skip to the group's closing parenthesis
            if regex[j] == "\\":
                j += 2
                continue
            depth += {"(": 1, ")": -1}.get(regex[j], 0)
            j += 1
        out.append(f"<{label}>")
        i = j
    text = "".join(out).removesuffix("$").removesuffix("\\Z")
    return text.replace("\\.", ".").replace("\\", "")


def _readable(pattern) -> str:
    text = str(pattern)
    if getattr(pattern, "regex", None) is not None and not hasattr(pattern, "converters"):
        return _readable_regex(text)
    if hasattr(pattern, "_route"):  # RoutePattern: drop converter names
        return _CONVERTER.sub(lambda m: f"<{m['name']}>", text)
    return _readable_regex(text)


def _view_path(callback) -> str:
    target = getattr(callback, "cls", None) or getattr(callback, "view_class", None) or callback
    module = getattr(target, "__module__", "?")
    name = getattr(target, "__qualname__", getattr(target, "__name__", repr(target)))
    return f"{module}.{name}"


def _decorated_methods(func) -> set[str] | None:
    """The methods allowed by Django's require_http_methods (require_GET, require_POST, ...)
    anywhere in a chain of decorators that kept `__wrapped__`; None when unrestricted."""
    seen = set()
    while func is not None and id(func) not in seen:
        seen.add(id(func))
        code = getattr(func, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = func.__closure__[code.co_freevars.index("request_method_list")]
            return {m.upper() for m in cell.cell_contents}
        func = getattr(func, "__wrapped__", None)
    return None


def served_methods(callback) -> set[str]:
    """The methods a view answers with something other than 405 (HEAD and OPTIONS aside)."""
    drf_view = getattr(callback, "cls", None)
    if drf_view is not None:
        allowed = {m for m in drf_view.http_method_names if m not in IGNORED_METHODS}
        actions = getattr(callback, "actions", None)
        if actions is not None:  # a ViewSet route: the router's method → action mapping
            return {m.upper() for m in actions if m in allowed}
        return {m.upper() for m in allowed if hasattr(drf_view, m)}
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:  # a Django class-based view
        names = {m for m in view_class.http_method_names if m not in IGNORED_METHODS}
        return {m.upper() for m in names if hasattr(view_class, m)}
    decorated = _decorated_methods(callback)
    if decorated is not None:
        return decorated - {m.upper() for m in IGNORED_METHODS}
    # A function view that does not restrict methods answers any: what a browser sends.
    return set(BROWSER_METHODS)


def _walk(resolver: URLResolver, prefix: str, namespace: str | None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + _readable(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield prefix + _readable(entry.pattern), name, entry.callback


def all_routes() -> list[Route]:
    """Every route of the root URLconf, in URLconf order (first match wins, so a later
    duplicate of a key is unreachable and left out)."""
    routes: dict[str, Route] = {}
    for key, name, callback in _walk(get_resolver(), "", None):
        suffix_of = None
        if _FORMAT_SUFFIX.search(key):
            base = _FORMAT_SUFFIX.sub("", key)
            suffix_of = base if base in routes or f"{base}/" not in routes else f"{base}/"
            key = _FORMAT_SUFFIX.sub(".json", key)
        if key in routes:
            continue
        methods = set(BROWSER_METHODS) | served_methods(callback)
        routes[key] = Route(
            key=key,
            name=name,
            view=_view_path(callback),
            params=tuple(re.findall(r"<(\w+)>", key)),
            methods=tuple(sorted(methods, key=_method_rank)),
            suffix_of=suffix_of,
            callback=callback,
        )
    return list(routes.values())


def _method_rank(method: str) -> tuple[int, str]:
    return (METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER), method)


def build_path(route: Route, kwargs: dict) -> str:
    """The URL of `route` with its parameters filled in from `kwargs`."""
    missing = set(route.params) - set(kwargs)
    if missing:
        raise KeyError(f"/{route.key}: no value for {', '.join(sorted(missing))}")
    return "/" + re.sub(r"<(\w+)>", lambda m: str(kwargs[m[1]]), route.key)
