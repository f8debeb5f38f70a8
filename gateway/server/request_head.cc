#include "gateway/server/request_head.h"

#include <algorithm>
#include <string>

namespace isagw::server {

namespace http = boost::beast::http;

void PrepareApiParser(BeastRequestParser& parser, const ServerOptions& options) {
  parser.header_limit(options.header_limit_bytes);
  parser.body_limit(std::max(options.body_limit_bytes, options.batch_body_limit_bytes));
}

bool IsHttpParseError(const boost::system::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

std::optional<Problem> ProblemForHeaderReadError(const boost::system::error_code& ec) {
  if (ec == http::error::header_limit) return HeadersTooLargeProblem();
  if (ec == http::error::body_limit) {
    return TooLargeProblem("the declared request body is over the server's limit");
  }
  if (IsHttpParseError(ec) && ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    return MalformedRequestProblem("the request is not well-formed HTTP/1.1");
  }
  return std::nullopt;
}

HttpRequest HeadFrom(const BeastRequestParser& parser) {
  const auto& message = parser.get();
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  if (auto length = parser.content_length()) request.content_length = *length;
  return request;
}

// Two parties reading the same bytes (a balancer, the gateway) could
// route a request with no Host or two apart. The connection is closed
// after the answer, as after any request whose framing is in doubt.
// (Beast itself refuses a Content-Length beside Transfer-Encoding, two
// Content-Lengths and any coding but chunked, and replaces obs-fold with
// spaces, as RFC 9112 §5.2 allows.)
std::optional<Problem> FramingProblem(const BeastRequestParser& parser) {
  const auto& message = parser.get();
  std::size_t hosts = 0;
  for (const auto& field : message) {
    if (field.name() == http::field::host) ++hosts;
  }
  if (message.version() >= 11 && hosts != 1) {
    return MalformedRequestProblem("an HTTP/1.1 request needs exactly one Host header");
  }
  return std::nullopt;
}

std::optional<HttpResponse> AnswerAtHead(const BeastRequestParser& parser,
                                         const HttpRequest& request, RequestHandler& chain,
                                         bool& keep_alive) {
  if (request.target.empty() || request.target.front() != '/') {
    return ProblemResponse(
        MalformedRequestProblem("the request target must be a path (origin-form)"));
  }
  if (auto framing = FramingProblem(parser)) {
    keep_alive = false;
    return ProblemResponse(*framing);
  }
  return chain.Admit(request);
}

bool ReadsBodyAfter(const std::optional<HttpResponse>& refusal, const HttpRequest& request,
                    std::uint64_t route_body_limit) {
  return !refusal || (refusal->status != 413 && request.content_length &&
                      *request.content_length <= route_body_limit);
}

}  // namespace isagw::server
