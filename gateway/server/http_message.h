// HttpRequest and HttpResponse: the server's plain view of one HTTP
// exchange, free of Beast types, so handlers, filters and the API router
// are tested without sockets and the rest of the gateway never compiles
// Boost.Beast.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/problem.h"

namespace isagw::server {

struct HttpHeader {
  std::string name;
  std::string value;
};

// Case-insensitive lookup of the first header called `name` (RFC 9110
// field names are case-insensitive).
const std::string* FindHeader(const std::vector<HttpHeader>& headers, std::string_view name);

struct HttpRequest {
  std::string method;  // "GET", "POST", ... as sent (methods are case-sensitive)
  std::string target;  // origin-form request target: "/v1/inbox?limit=10"
  std::vector<HttpHeader> headers;
  std::string body;  // empty until the body has been read
  // Set from Content-Length when the client sent one; known before the body.
  std::optional<std::uint64_t> content_length;
  // The agency the client certificate identified. The API listener never
  // passes a request without an agency or a person to a filter or handler.
  // For a person, the agency they work for (empty for the gateway's own
  // operators).
  std::string agency_id;
  // Set when the certificate is a person's (a console user), with their
  // role: "operator", "coordinator" or "auditor".
  std::string person_id;
  std::string person_role;
  // "ip:port" of the peer, for logs only.
  std::string remote_address;

  const std::string* Header(std::string_view name) const { return FindHeader(headers, name); }
  // The target without its query string.
  std::string_view Path() const;
  // The query string without '?', empty when there is none.
  std::string_view Query() const;
  // The Content-Type's media type, lower-cased, without parameters
  // ("application/json; charset=utf-8" -> "application/json"); empty when absent.
  std::string MediaType() const;
};

struct HttpResponse {
  int status = 200;
  std::vector<HttpHeader> headers;  // Content-Type included when there is a body
  std::string body;

  const std::string* Header(std::string_view name) const { return FindHeader(headers, name); }
};

inline constexpr std::string_view kProblemMediaType = "application/problem+json";

// A query-string or form value as a browser encodes it
// (application/x-www-form-urlencoded): %XX escapes and '+' for a space.
// nullopt for an escape that is not two hex digits: refused, not guessed at.
std::optional<std::string> DecodeFormValue(std::string_view text);

// A response carrying `problem` as application/problem+json with
// problem.status as its status code.
HttpResponse ProblemResponse(const Problem& problem);

// The problems every part of the server answers with (their types are in
// gateway/common/problem.h). `detail` must not quote request values: it
// describes.
Problem NotFoundProblem();
Problem MethodNotAllowedProblem();
Problem UnsupportedMediaTypeProblem(std::string detail);
Problem TooLargeProblem(std::string detail);
Problem HeadersTooLargeProblem();
Problem MalformedRequestProblem(std::string detail);
Problem RateLimitedProblem();
Problem ForbiddenProblem(std::string detail);
Problem InternalErrorProblem();
Problem UnavailableProblem(std::string detail);

}  // namespace isagw::server
