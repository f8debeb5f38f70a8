#include "gateway/cli/serve_command.h"

#include <iostream>

#include "gateway/app/gateway_app.h"
#include "gateway/cli/exit_codes.h"
#include "gateway/config/gateway_config.h"

namespace isagw::cli {

int RunServe(const ServeArgs& args, std::ostream& out, std::ostream& err) {
  auto config = config::LoadGatewayConfig(args.config);
  if (!config.ok()) {
    for (const auto& e : config.error()) err << e.ToString() << '\n';
    return kExitRefused;
  }
  const std::string api_address = config->api.address;
  const std::string admin_address = config->admin.address;
  const std::size_t agencies = config->registry.agencies().size();

  auto app = app::GatewayApp::Create(std::move(*config), app::AppOptions{});
  if (!app.ok()) {
    err << app.error() << '\n';
    return kExitRefused;
  }
  out << "isagw serving " << agencies << " agencies: api https://" << api_address << ':'
      << (*app)->api_port() << ", admin http://" << admin_address << ':' << (*app)->admin_port()
      << '\n'
      << std::flush;
  (*app)->Run();
  out << "isagw stopped\n";
  return 0;
}

}  // namespace isagw::cli
