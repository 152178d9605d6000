// The HTML report: one self-contained page rendered from the JSON report object, so that the page
// holds what the JSON holds. Style and script are inline and allowed by hash in a strict
// Content-Security-Policy (nothing else may load or run); every text is escaped, since response
// bodies come from endpoints that may be hostile.
#include <cstdio>
#include <set>
#include <string>
#include <string_view>

#include "harness/harness.h"
#include "harness/internal/text_safety.h"
#include "wire/sigv4.h"

namespace lpe::harness {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kStyle = R"css(
:root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;--code:#f6f8fa;
--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#59636e;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;
--panel:#151b23;--line:#3d444d;--code:#151b23;--pass:#3fb950;--fail:#f85149;--warn:#d29922;
--skip:#9198a1}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1100px;padding:24px 28px 48px;background:var(--bg);color:var(--fg);
font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
h1{font-size:24px;margin:0 0 4px;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
h2{font-size:17px;margin:32px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:0 0 6px}h4{font-size:12px;margin:10px 0 4px;color:var(--muted);
text-transform:uppercase;letter-spacing:.04em}
.sub,.muted{color:var(--muted)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;
font-size:12.5px}
pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:10px 12px;
margin:0;white-space:pre-wrap;word-break:break-all;max-height:360px;overflow:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:5px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600}
td.num,th.num{text-align:right}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px;margin-top:18px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:var(--panel)}
.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:12px}
.verdict{font-weight:700;font-size:12px;letter-spacing:.04em;text-transform:uppercase;
border:1px solid currentColor;border-radius:999px;padding:1px 9px;white-space:nowrap}
h1 .verdict{font-size:14px;padding:3px 12px}
.v-passed{color:var(--pass)}.v-failed,.v-new{color:var(--fail)}.v-warned{color:var(--warn)}
.v-skipped,.v-known{color:var(--skip)}.v-fixed{color:var(--pass)}
.tag{font-size:11px;font-weight:600;border:1px solid var(--line);border-radius:4px;padding:0 6px;
color:var(--muted);margin-left:6px}
.finding{border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:0 0 14px;
break-inside:avoid}
.finding .message{margin:4px 0 10px}
.repro{display:flex;gap:8px;align-items:flex-start}
.repro code{flex:1;background:var(--code);border:1px solid var(--line);border-radius:6px;
padding:7px 10px;word-break:break-all}
button.copy{font:inherit;font-size:12px;border:1px solid var(--line);border-radius:6px;
background:var(--panel);color:var(--fg);padding:6px 12px;cursor:pointer}
button.copy:hover{border-color:var(--muted)}
.exchange{display:grid;grid-template-columns:1fr 1fr;gap:12px}
@media (max-width:760px){.exchange{grid-template-columns:1fr}}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:0}
dt{color:var(--muted)}dd{margin:0;word-break:break-all;white-space:pre-line}
ul{padding-left:20px}footer{margin-top:40px;font-size:12px;color:var(--muted)}
@media print{body{max-width:none;padding:0;font-size:11px}button.copy{display:none}
pre{max-height:none;overflow:visible}h2{break-after:avoid}}
)css";

constexpr std::string_view kScript = R"js(
document.querySelectorAll('button.copy').forEach(function (b) {
  b.addEventListener('click', function () {
    var source = document.getElementById(b.getAttribute('data-for'));
    var text = source.textContent;
    function done(ok) {
      b.textContent = ok ? 'Copied' : 'Press Ctrl+C';
      setTimeout(function () { b.textContent = 'Copy'; }, 1600);
    }
    function select() {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      done(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, select);
    } else {
      select();
    }
  });
});
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
});
document.documentElement.setAttribute('data-script', 'ran');
document.documentElement.setAttribute('data-style',
    getComputedStyle(document.body).maxWidth === '1100px' ? 'applied' : 'blocked');
)js";

// Text for HTML content and attribute values, control characters written visibly.
std::string esc(std::string_view s) { return internal::markup_escape(s); }

// A JSON value as text: a string as it is, anything else as compact JSON.
std::string text_of(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// The string member `key` of `object` as text ("" when absent).
std::string member(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it == object.end() ? "" : text_of(*it);
}

// The array member `key` of `object` (empty when absent or not an array), objects only.
Json objects_of(const Json& object, const char* key) {
  Json out = Json::array();
  if (!object.is_object()) return out;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return out;
  for (const auto& item : *it) {
    if (item.is_object()) out.push_back(item);
  }
  return out;
}

// The base64 of the SHA-256 of `text`, for a CSP source hash.
std::string sha256_base64(std::string_view text) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string hex = wire::hex_sha256(text);
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

// <tag class="cls">escaped text</tag>
std::string el(const char* tag, const char* cls, std::string_view text) {
  std::string out = std::string("<") + tag;
  if (cls != nullptr && *cls != '\0') out += std::string(" class=\"") + cls + "\"";
  return out + ">" + esc(text) + "</" + tag + ">";
}

// A verdict badge: passed, failed, warned, skipped, new, known, fixed.
std::string badge(std::string_view verdict) {
  const std::string v = esc(verdict);
  return "<span class=\"verdict v-" + v + "\" data-verdict=\"" + v + "\">" + v + "</span>";
}

std::string run_verdict(const Json& report) {
  const auto it = report.find("exitCode");
  const int64_t code = it != report.end() && it->is_number_integer() ? it->get<int64_t>() : 2;
  return code == 0 ? "passed" : code == 1 ? "failed" : "incomplete";
}

std::string seconds_text(const Json& report) {
  const auto it = report.find("seconds");
  if (it == report.end() || !it->is_number()) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f s", it->get<double>());
  return buf;
}

std::string card(std::string_view value, std::string_view label, const char* cls = "") {
  return std::string("<div class=\"card\"><b class=\"") + cls + "\">" + esc(value) + "</b><span>" +
         esc(label) + "</span></div>";
}

void write_header(std::string& out, const Json& report) {
  const std::string verdict = run_verdict(report);
  out += "<header><h1>lpe conform report " + badge(verdict == "incomplete" ? "skipped" : verdict);
  if (verdict == "incomplete") out += "<span class=\"muted\">incomplete: could not run</span>";
  out += "</h1><p class=\"sub\">" + esc(member(report, "operation")) + " at <span class=\"mono\">" +
         esc(member(report, "endpoint")) + "</span> &middot; seed <span class=\"mono\">" +
         esc(member(report, "seed")) + "</span> &middot; " + esc(member(report, "requests")) +
         " requests in " + esc(seconds_text(report)) + " &middot; exit code " +
         esc(member(report, "exitCode")) + "</p>";
  size_t counts[4] = {0, 0, 0, 0};  // passed, failed, warned, skipped
  for (const auto& c : objects_of(report, "checks")) {
    const std::string v = member(c, "verdict");
    counts[v == "passed" ? 0 : v == "failed" ? 1 : v == "warned" ? 2 : 3]++;
  }
  size_t must = 0, should = 0;
  for (const auto& f : objects_of(report, "findings"))
    (member(f, "level") == "must" ? must : should)++;
  out += "<div class=\"cards\">" + card(std::to_string(counts[0]), "checks passed", "v-passed") +
         card(std::to_string(counts[1]), "checks failed", counts[1] ? "v-failed" : "") +
         card(std::to_string(counts[2]), "checks warned", counts[2] ? "v-warned" : "") +
         card(std::to_string(counts[3]), "checks skipped") +
         card(std::to_string(must), "must findings") +
         card(std::to_string(should), "should findings");
  if (report.contains("baseline")) {
    const Json& b = report["baseline"];
    out += card(member(b, "new"), "new since the baseline", "v-new") +
           card(member(b, "known"), "known (in the baseline)") +
           card(std::to_string(objects_of(b, "fixed").size()), "fixed", "v-fixed");
  }
  out += "</div></header>\n";
}

void write_checks(std::string& out, const Json& report) {
  out +=
      "<section id=\"checks\"><h2>Checks</h2><table><thead><tr><th>check</th><th>rule</th>"
      "<th>level</th><th>verdict</th><th class=\"num\">passed</th><th class=\"num\">failed"
      "</th><th class=\"num\">notes</th></tr></thead><tbody>";
  for (const auto& c : objects_of(report, "checks")) {
    const std::string name = member(c, "check");
    out += "<tr data-check=\"" + esc(name) + "\" data-verdict=\"" + esc(member(c, "verdict")) +
           "\"><td class=\"mono\">" + esc(name) + "</td><td>" + esc(member(c, "rule")) +
           "</td><td>" + esc(member(c, "level")) + "</td><td>" + badge(member(c, "verdict"));
    if (c.contains("skipReason"))
      out += "<div class=\"muted\">" + esc(member(c, "skipReason")) + "</div>";
    out += "</td><td class=\"num\">" + esc(member(c, "passed")) + "</td><td class=\"num\">" +
           esc(member(c, "failed")) + "</td><td class=\"num\">" + esc(member(c, "notes")) +
           "</td></tr>";
  }
  out += "</tbody></table></section>\n";
}

// "POST /path", the headers and the body of a request or response as the JSON report holds them.
std::string http_text(const Json& part, const std::string& first_line) {
  std::string text = first_line + "\n";
  if (part.contains("headers") && part["headers"].is_object()) {
    for (const auto& [name, value] : part["headers"].items())
      text += name + ": " + text_of(value) + "\n";
  }
  const std::string body = member(part, "body");
  if (!body.empty()) text += "\n" + body;
  return text;
}

void write_exchange(std::string& out, const Json& exchange) {
  if (!exchange.is_object() || !exchange.contains("request")) return;
  const Json& request = exchange["request"];
  out += "<div class=\"exchange\"><div><h4>Minimal request</h4>" +
         el("pre", "request",
            http_text(request, member(request, "method") + " " + member(request, "path"))) +
         "</div><div><h4>Response</h4>";
  const auto response = exchange.find("response");
  if (response == exchange.end() || !response->is_object()) {
    out += el("pre", "response", "no response: " + member(exchange, "transportError"));
  } else {
    out += el("pre", "response", http_text(*response, "HTTP " + member(*response, "status")));
  }
  out += "</div></div>";
}

void write_finding(std::string& out, const Json& f, size_t index) {
  const std::string n = std::to_string(index);
  const std::string level = member(f, "level");
  out += "<article class=\"finding\" id=\"finding-" + n + "\" data-id=\"" + esc(member(f, "id")) +
         "\" data-check=\"" + esc(member(f, "check")) + "\" data-level=\"" + esc(level) +
         "\"><h3>" + badge(level == "must" ? "failed" : "warned") + " <span class=\"mono\">" +
         esc(member(f, "check")) + "</span>" + el("span", "tag", member(f, "rule")) +
         el("span", "tag", level);
  if (f.contains("baseline")) out += " " + badge(member(f, "baseline"));
  out += "</h3>";
  if (f.contains("target"))
    out += "<p class=\"muted\">target " + el("code", "", member(f, "target")) + "</p>";
  out += el("p", "message", member(f, "message"));
  out += "<div class=\"repro\"><code id=\"repro-" + n + "\" class=\"reproduction\">" +
         esc(member(f, "reproduction")) +
         "</code><button type=\"button\" class=\"copy\" "
         "data-for=\"repro-" +
         n + "\">Copy</button></div>";
  write_exchange(out, f.contains("exchange") ? f["exchange"] : Json());
  out +=
      "<p class=\"muted\">id <span class=\"mono finding-id\">" + esc(member(f, "id")) + "</span>";
  if (f.contains("subject")) out += " &middot; about " + el("span", "mono", member(f, "subject"));
  const std::string steps = member(f, "shrinkSteps");
  if (!steps.empty() && steps != "0") out += " &middot; shrunk in " + esc(steps) + " requests";
  out += "</p>";
  if (f.contains("originalRequestBody")) {
    out += "<details><summary>request body before shrinking</summary>" +
           el("pre", "", member(f, "originalRequestBody")) + "</details>";
  }
  out += "</article>\n";
}

void write_findings(std::string& out, const Json& report) {
  const Json findings = objects_of(report, "findings");
  out += "<section id=\"findings\"><h2>Findings (" + std::to_string(findings.size()) + ")</h2>";
  if (findings.empty()) out += "<p class=\"muted\">No findings.</p>";
  for (size_t i = 0; i < findings.size(); ++i) write_finding(out, findings[i], i + 1);
  out += "</section>\n";
}

// The baseline's findings this run no longer has (fixed) or did not check.
void write_baseline(std::string& out, const Json& report) {
  if (!report.contains("baseline") || !report["baseline"].is_object()) return;
  const Json& b = report["baseline"];
  out += "<section id=\"baseline\"><h2>Against the baseline</h2><p>" +
         el("span", "mono", member(b, "file")) + ": " + esc(member(b, "new")) + " new, " +
         esc(member(b, "known")) + " known; only new findings fail the run.</p>";
  for (const char* kind : {"fixed", "unchecked"}) {
    const Json list = objects_of(b, kind);
    if (list.empty()) continue;
    out += std::string("<h4>") +
           (std::string(kind) == "fixed" ? "fixed" : "not checked by this run") +
           "</h4><table><tbody>";
    for (const auto& f : list) {
      out += "<tr data-id=\"" + esc(member(f, "id")) + "\"><td>" +
             badge(std::string(kind) == "fixed" ? "fixed" : "skipped") +
             "</td><td class=\"mono\">" + esc(member(f, "check")) + "</td><td>" +
             esc(member(f, "rule")) + "</td><td>" + esc(member(f, "target")) + "</td><td>" +
             esc(member(f, "message")) + "</td><td class=\"mono\">" + esc(member(f, "id")) +
             "</td></tr>";
    }
    out += "</tbody></table>";
  }
  out += "</section>\n";
}

// Items per page as runs: "7 ×3, 6" (at most 40 runs shown).
std::string page_runs(const Json& pages) {
  std::string out;
  size_t runs = 0;
  for (size_t i = 0; i < pages.size();) {
    size_t j = i;
    while (j < pages.size() && pages[j] == pages[i]) ++j;
    if (++runs > 40) return out + ", ... (" + std::to_string(pages.size()) + " pages in all)";
    out += (out.empty() ? "" : ", ") + text_of(pages[i]) +
           (j - i > 1 ? " \u00d7" + std::to_string(j - i) : "");
    i = j;
  }
  return out;
}

void write_walks(std::string& out, const Json& report) {
  const Json walks = objects_of(report, "walks");
  if (walks.empty()) return;
  out +=
      "<section id=\"walks\"><h2>Pagination walks</h2><p class=\"muted\">Every target walked at "
      "each page size: the items each page returned against the page size asked for (R10).</p>"
      "<table><thead><tr><th>target</th><th class=\"num\">page size</th><th class=\"num\">pages"
      "</th><th class=\"num\">items</th><th class=\"num\">largest page</th><th>items per page"
      "</th><th>walk</th></tr></thead><tbody>";
  for (const auto& w : walks) {
    const bool sized = w.contains("pageSize") && !w["pageSize"].is_null();
    const std::string asked =
        sized ? member(w, "pageSize") : "default (" + member(w, "limit") + ")";
    const bool over = w.contains("limit") && w["limit"].is_number_integer() &&
                      w.contains("largestPage") && w["largestPage"].is_number_integer() &&
                      w["largestPage"].get<int64_t>() > w["limit"].get<int64_t>();
    const bool complete = w.contains("complete") && w["complete"] == true;
    const Json pages =
        w.contains("pageItems") && w["pageItems"].is_array() ? w["pageItems"] : Json::array();
    out +=
        "<tr class=\"walk\"><td class=\"mono\">" + esc(member(w, "target")) +
        "</td><td class=\"num\">" + esc(asked) + "</td><td class=\"num\">" +
        esc(member(w, "pages")) + "</td><td class=\"num\">" + esc(member(w, "items")) +
        "</td><td class=\"num\">" +
        (over ? el("span", "v-failed", member(w, "largestPage")) : esc(member(w, "largestPage"))) +
        "</td><td class=\"mono\">" + esc(page_runs(pages)) + "</td><td>" +
        badge(complete ? "passed" : "failed") + "</td></tr>";
  }
  out += "</tbody></table></section>\n";
}

void write_coverage(std::string& out, const Json& report) {
  if (!report.contains("coverage") || !report["coverage"].is_object()) return;
  const Json& c = report["coverage"];
  out += "<section id=\"coverage\"><h2>Constraint coverage</h2><p>" + esc(member(c, "defined")) +
         " cases defined by the model, " + esc(member(c, "sent")) + " sent, " +
         esc(member(c, "passed")) +
         " passed.</p><table><thead><tr><th>member</th><th>constraint</th><th>case</th><th>value"
         "</th><th>expected</th><th class=\"num\">sent</th><th>verdict</th></tr></thead><tbody>";
  for (const auto& row : objects_of(c, "cases")) {
    const auto passed = row.find("passed");
    const std::string verdict = member(row, "sent") == "0"               ? "skipped"
                                : passed != row.end() && *passed == true ? "passed"
                                                                         : "failed";
    out += "<tr class=\"coverage-case\" data-member=\"" + esc(member(row, "member")) +
           "\" data-case=\"" + esc(member(row, "case")) + "\"><td class=\"mono\">" +
           esc(member(row, "member")) + "</td><td>" + esc(member(row, "constraint")) + "</td><td>" +
           esc(member(row, "case")) + "</td><td class=\"mono\">" + esc(member(row, "value")) +
           "</td><td>" + esc(member(row, "expected")) + "</td><td class=\"num\">" +
           esc(member(row, "sent")) + "</td><td>" + badge(verdict) + "</td></tr>";
  }
  out += "</tbody></table></section>\n";
}

void write_notes(std::string& out, const Json& report) {
  const Json notes = objects_of(report, "notes");
  if (notes.empty()) return;
  out +=
      "<section id=\"notes\"><h2>Notes</h2><p class=\"muted\">Informational: members and enum "
      "values newer API versions add (R9), choices R6 leaves to the endpoint.</p><ul>";
  for (const auto& n : notes)
    out += "<li>" + el("span", "mono", member(n, "check")) + ": " + esc(member(n, "message")) +
           "</li>";
  out += "</ul></section>\n";
}

void fact(std::string& out, std::string_view name, std::string_view value, const char* cls = "") {
  out += "<dt>" + esc(name) + "</dt><dd class=\"" + cls + "\">" + esc(value) + "</dd>";
}

// Top-level members the sections above do not show: scalars as they are, objects member by member.
void write_extra_facts(std::string& out, const Json& report) {
  static const std::set<std::string> kShown = {
      "endpoint",  "operation", "contract", "seed",    "cases",    "strict",
      "completed", "exitCode",  "requests", "seconds", "targets",  "checks",
      "checksRan", "findings",  "notes",    "walks",   "baseline", "coverage"};
  for (const auto& [key, value] : report.items()) {
    if (kShown.count(key)) continue;
    if (!value.is_object()) {
      fact(out, key, text_of(value), "mono");
      continue;
    }
    for (const auto& [name, inner] : value.items())
      fact(out, key + "." + name, text_of(inner), "mono");
  }
}

void write_run_facts(std::string& out, const Json& report) {
  out += "<section id=\"run\"><h2>Model and run</h2><dl>";
  fact(out, "endpoint", member(report, "endpoint"), "mono");
  fact(out, "operation", member(report, "operation"), "mono");
  fact(out, "seed", member(report, "seed"), "mono seed");
  fact(out, "duration", seconds_text(report));
  for (const char* key : {"requests", "cases", "strict", "completed", "checksRan", "exitCode"})
    fact(out, key, member(report, key));
  std::string targets;
  for (const auto& t : report.value("targets", Json::array()))
    targets += (targets.empty() ? "" : "\n") + text_of(t);
  fact(out, "targets", targets, "mono");
  const Json contract = report.contains("contract") && report["contract"].is_object()
                            ? report["contract"]
                            : Json::object();
  for (const auto& file : objects_of(contract, "files")) {
    fact(out, member(file, "role") + " file", member(file, "name"), "mono");
    fact(out, member(file, "role") + " sha256", member(file, "sha256"), "mono sha256");
  }
  if (contract.contains("derivedFrom") && contract["derivedFrom"].is_object()) {
    for (const auto& [key, value] : contract["derivedFrom"].items())
      fact(out, "derived from: " + key, text_of(value), "mono");
  }
  for (const auto& [key, value] : contract.items()) {
    if (key != "files" && key != "derivedFrom")
      fact(out, "contract " + key, text_of(value), "mono");
  }
  write_extra_facts(out, report);
  out += "</dl></section>\n";
}

}  // namespace

std::string html_report(const Json& report) {
  const Json empty = Json::object();
  const Json& r = report.is_object() ? report : empty;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'sha256-" +
      sha256_base64(kStyle) + "'; script-src 'sha256-" + sha256_base64(kScript) +
      "'; img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action "
      "'none'\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"referrer\" content=\"no-referrer\"><title>lpe conform: " +
      esc(run_verdict(r)) + " &middot; " + esc(member(r, "endpoint")) + "</title><style>" +
      std::string(kStyle) + "</style></head><body>\n";
  write_header(out, r);
  write_checks(out, r);
  write_findings(out, r);
  write_baseline(out, r);
  write_walks(out, r);
  write_coverage(out, r);
  write_notes(out, r);
  write_run_facts(out, r);
  out +=
      "<footer>Written by <span class=\"mono\">lpe conform --report-html</span> from the same "
      "object as <span class=\"mono\">--report-json</span>.</footer>\n<script>" +
      std::string(kScript) + "</script></body></html>\n";
  return out;
}

}  // namespace lpe::harness
