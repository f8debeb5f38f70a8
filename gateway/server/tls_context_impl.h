// The inside of ServerTlsContext, for the server's .cc files only: it
// pulls in Boost.Asio's SSL headers, which nothing outside
// gateway/server/ should compile.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <optional>

#include "gateway/server/tls_context.h"

namespace isagw::server {

struct ServerTlsContext::Impl {
  Impl() : context(boost::asio::ssl::context::tls_server) {}
  boost::asio::ssl::context context;
  std::optional<std::chrono::system_clock::time_point> crl_next_update;
};

}  // namespace isagw::server
