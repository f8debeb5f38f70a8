#include "gateway/server/http_message.h"

#include <algorithm>
#include <cctype>

namespace isagw::server {

namespace {

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

Problem MakeProblem(const char* type, const char* title, int status, std::string detail) {
  Problem p;
  p.type = type;
  p.title = title;
  p.status = status;
  p.detail = std::move(detail);
  return p;
}

}  // namespace

const std::string* FindHeader(const std::vector<HttpHeader>& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (EqualsIgnoreCase(header.name, name)) return &header.value;
  }
  return nullptr;
}

std::string_view HttpRequest::Path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view HttpRequest::Query() const {
  std::string_view t = target;
  const auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

std::string HttpRequest::MediaType() const {
  const std::string* value = Header("Content-Type");
  if (value == nullptr) return {};
  std::string_view v = *value;
  v = v.substr(0, v.find(';'));
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  std::string out(v);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

HttpResponse ProblemResponse(const Problem& problem) {
  HttpResponse response;
  response.status = problem.status;
  response.headers.push_back({"Content-Type", std::string(kProblemMediaType)});
  response.body = problem.ToJsonText();
  return response;
}

Problem NotFoundProblem() {
  return MakeProblem(problem_type::kNotFound, "No such resource", 404,
                     "the path names no resource of this API");
}

Problem MethodNotAllowedProblem() {
  return MakeProblem(problem_type::kMethodNotAllowed, "Method not allowed", 405,
                     "the resource does not support this method; see the Allow header");
}

Problem UnsupportedMediaTypeProblem(std::string detail) {
  return MakeProblem(problem_type::kUnsupportedFormat, "Unsupported media type", 415,
                     std::move(detail));
}

Problem TooLargeProblem(std::string detail) {
  return MakeProblem(problem_type::kTooLarge, "Request body too large", 413, std::move(detail));
}

Problem HeadersTooLargeProblem() {
  return MakeProblem(problem_type::kHeadersTooLarge, "Request header fields too large", 431,
                     "the request line and headers exceed the server's limit");
}

Problem MalformedRequestProblem(std::string detail) {
  return MakeProblem(problem_type::kMalformed, "Malformed request", 400, std::move(detail));
}

Problem RateLimitedProblem() {
  return MakeProblem(problem_type::kRateLimited, "Too many requests", 429,
                     "this agency's request rate is over its limit; retry after the time in "
                     "the Retry-After header");
}

Problem ForbiddenProblem(std::string detail) {
  return MakeProblem(problem_type::kForbidden, "Forbidden", 403, std::move(detail));
}

std::optional<std::string> DecodeFormValue(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex(text[i + 1]);
      const int low = hex(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return out;
}

Problem InternalErrorProblem() {
  return MakeProblem(problem_type::kInternal, "Internal error", 500,
                     "the gateway could not complete the request; it has been logged");
}

Problem UnavailableProblem(std::string detail) {
  return MakeProblem(problem_type::kUnavailable, "Service unavailable", 503, std::move(detail));
}

}  // namespace isagw::server
