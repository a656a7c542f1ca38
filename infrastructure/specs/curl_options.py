"""The command-line options of curl that describe a request, read into one record."""

from dataclasses import dataclass, field

from domain.specifications.parsed import ParseIssue


def _words(spelled: str) -> frozenset[str]:
    """This function will read a space-separated list of option spellings."""
    return frozenset(spelled.split())


# Options taking a value, by every spelling, mapped to the name this module uses.
_WITH_VALUE = {
    "-X": "request",
    "--request": "request",
    "-H": "header",
    "--header": "header",
    "-d": "data",
    "--data": "data",
    "--data-ascii": "data",
    "--data-binary": "data",
    "--data-raw": "data-raw",
    "--data-urlencode": "data-urlencode",
    "--json": "json",
    "-u": "user",
    "--user": "user",
    "--url": "url",
    "-F": "form",
    "--form": "form",
    "--form-string": "form-string",
    "-A": "user-agent",
    "--user-agent": "user-agent",
    "-e": "referer",
    "--referer": "referer",
    "-b": "cookie",
    "--cookie": "cookie",
    "--oauth2-bearer": "oauth2-bearer",
    "-T": "upload-file",
    "--upload-file": "upload-file",
}
# Options taking a value that does not change the request itself.
_IGNORED_WITH_VALUE = _words(
    "-o --output -m --max-time --connect-timeout --retry --retry-delay --retry-max-time "
    "-x --proxy -U --proxy-user --cacert --capath --cert -E --cert-type --key --key-type "
    "--pass -w --write-out -c --cookie-jar --resolve --connect-to --max-redirs "
    "--limit-rate -K --config -D --dump-header --trace --trace-ascii --interface "
    "--dns-servers -r --range -z --time-cond --ciphers --tls-max --proto --proto-redir "
    "--unix-socket --abstract-unix-socket --noproxy --crlfile --pinnedpubkey "
    "--netrc-file --aws-sigv4 --variable -Y --speed-limit -y --speed-time --local-port "
    "--expect100-timeout --keepalive-time --stderr --output-dir --preproxy"
)
_FLAGS = {
    "-G": "get",
    "--get": "get",
    "-I": "head",
    "--head": "head",
    "--digest": "digest",
}
# Flags that change nothing in the request described (transport, output, TLS checks).
_IGNORED_FLAGS = _words(
    "--compressed -k --insecure -L --location --location-trusted -s --silent -S "
    "--show-error -v --verbose -i --include -f --fail --fail-with-body --http1.0 "
    "--http1.1 --http2 --http2-prior-knowledge --http3 -N --no-buffer -# --progress-bar "
    "-0 -4 -6 --ipv4 --ipv6 -g --globoff -q --path-as-is -n --netrc --basic --ntlm "
    "--anyauth -j --junk-session-cookies --tr-encoding --raw --no-keepalive "
    "--tcp-nodelay --ssl --ssl-reqd -O --remote-name -J --remote-header-name -Z "
    "--parallel --no-progress-meter --create-dirs -l --list-only -a --append -B "
    "--use-ascii -R --remote-time --no-sessionid --no-alpn --no-npn"
)


@dataclass
class CurlRequest:
    """What one curl command says about its request."""

    line: int
    method: str = ""
    urls: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    data: list[tuple[str, str]] = field(default_factory=list)
    form: list[tuple[str, str]] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    values: dict[str, str] = field(default_factory=dict)


def read_options(words: list[str], line: int, issues: list[ParseIssue]) -> CurlRequest:
    """This function will read the words after ``curl`` into a request record."""
    request = CurlRequest(line)
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word.startswith("--") and len(word) > 2:
            name, value, attached = word, "", False
        elif word.startswith("-") and len(word) > 1:
            name, value, attached = _short(word, request, issues)
        else:
            request.urls.append(word)
            continue
        if name in _WITH_VALUE or name in _IGNORED_WITH_VALUE:
            if not attached:
                if index >= len(words):
                    issues.append(ParseIssue(f"line {line}", f"option {name} needs a value"))
                    break
                value, index = words[index], index + 1
            if name in _WITH_VALUE:
                _record(request, _WITH_VALUE[name], value)
        elif name in _FLAGS:
            request.flags.add(_FLAGS[name])
        elif name and name not in _IGNORED_FLAGS and not name.startswith("--no-"):
            issues.append(ParseIssue(f"line {line}", f"unknown curl option {name} is ignored"))
    return request


def _short(word: str, request: CurlRequest, issues: list[ParseIssue]) -> tuple[str, str, bool]:
    """This function will read a cluster of short options such as ``-sSL`` or ``-XPOST``.

    It records the flags and gives the last option that takes a value, with its value
    when it was attached.
    """
    for position in range(1, len(word)):
        name = "-" + word[position]
        rest = word[position + 1 :]
        if name in _WITH_VALUE or name in _IGNORED_WITH_VALUE:
            return name, rest, bool(rest)
        if name in _FLAGS:
            request.flags.add(_FLAGS[name])
        elif name not in _IGNORED_FLAGS:
            issues.append(
                ParseIssue(f"line {request.line}", f"unknown curl option {name} is ignored")
            )
    return "", "", False


def _record(request: CurlRequest, name: str, value: str) -> None:
    if name == "request":
        request.method = value.upper()
    elif name == "header":
        request.headers.append(value)
    elif name in ("data", "data-raw", "data-urlencode", "json"):
        request.data.append((name, value))
    elif name in ("form", "form-string"):
        request.form.append((name, value))
    elif name == "url":
        request.urls.append(value)
    elif name == "user-agent":
        request.headers.append(f"User-Agent: {value}")
    elif name == "referer":
        request.headers.append(f"Referer: {value}")
    else:
        request.values[name] = value
