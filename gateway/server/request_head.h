// The head of one API request as the listener reads it with Beast: the
// parser's limits, what a read error answers, the plain HttpRequest made
// from the parsed head, and the answer the server gives at the head,
// before any body is read. Kept apart from the session loop so the HTTP
// fuzz target (fuzz/http_request_fuzzer.cc) runs the server's own
// decisions on bytes without sockets. Only Beast users include this.
#pragma once

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <optional>

#include "gateway/common/problem.h"
#include "gateway/server/http_message.h"
#include "gateway/server/request_handler.h"
#include "gateway/server/server_options.h"

namespace isagw::server {

using BeastRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// A fresh parser for the next request of an API connection: the header
// limit, and the largest body any route takes (the route's own limit is
// set once the head names the route).
void PrepareApiParser(BeastRequestParser& parser, const ServerOptions& options);

bool IsHttpParseError(const boost::system::error_code& ec);

// The problem a failed header read answers with before the connection is
// closed; nullopt when there is nobody to answer (end of stream, a peer
// gone mid-request, a cancelled read).
std::optional<Problem> ProblemForHeaderReadError(const boost::system::error_code& ec);

// The plain request of a parsed head (body still empty; no agency yet).
HttpRequest HeadFrom(const BeastRequestParser& parser);

// What Beast's parser lets through but a server must refuse (RFC 9112
// §3.2): an HTTP/1.1 request without exactly one Host.
std::optional<Problem> FramingProblem(const BeastRequestParser& parser);

// The answer to a request at its head: a refusal, or nullopt when it is
// admitted and its body (if any) should be read. Clears `keep_alive` when
// the refusal leaves the connection in doubt.
std::optional<HttpResponse> AnswerAtHead(const BeastRequestParser& parser,
                                         const HttpRequest& request, RequestHandler& chain,
                                         bool& keep_alive);

// Whether the server reads the body of a request it answered at its head
// with `refusal` (nullopt: admitted): an admitted body always, a refused
// one only when declared and within the route's limit, so the connection
// can be kept.
bool ReadsBodyAfter(const std::optional<HttpResponse>& refusal, const HttpRequest& request,
                    std::uint64_t route_body_limit);

}  // namespace isagw::server
