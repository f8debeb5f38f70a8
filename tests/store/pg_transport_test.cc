// Which connections to PostgreSQL are refused before a byte is sent
// (threat STORE-S2): to another host, anything short of verify-full.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "gateway/store/pg_connection.h"

namespace isagw::store {
namespace {

TEST(PgTransport, ThisHostNeedsNoTls) {
  for (const char* host : {"", "/var/run/postgresql", "@abstract", "localhost", "127.0.0.1",
                           "127.8.9.10", "::1", "localhost,/tmp"}) {
    EXPECT_FALSE(UnverifiedRemoteTransport(host, "", "disable")) << host;
  }
}

TEST(PgTransport, AnotherHostNeedsVerifyFull) {
  for (const char* mode : {"", "disable", "allow", "prefer", "require", "verify-ca"}) {
    const auto refused = UnverifiedRemoteTransport("db.example.org", "", mode);
    ASSERT_TRUE(refused) << mode;
    EXPECT_NE(refused->find("verify-full"), std::string::npos) << *refused;
  }
  EXPECT_FALSE(UnverifiedRemoteTransport("db.example.org", "", "verify-full"));
  // One remote host in a list is enough; 127.evil.org is not an address.
  EXPECT_TRUE(UnverifiedRemoteTransport("localhost,db.example.org", "", "require"));
  EXPECT_TRUE(UnverifiedRemoteTransport("127.evil.org", "", "require"));
  // hostaddr is where libpq connects; host then only names the server.
  EXPECT_TRUE(UnverifiedRemoteTransport("localhost", "10.0.0.7", "require"));
  EXPECT_FALSE(UnverifiedRemoteTransport("db.example.org", "127.0.0.1", "disable"));
}

TEST(PgTransport, TheDsnIsJudgedWithTheEnvironmentLibpqWouldUse) {
  EXPECT_FALSE(UnverifiedRemoteTransport(std::string("host=127.0.0.1 port=5432 dbname=isagw")));
  EXPECT_TRUE(UnverifiedRemoteTransport(std::string("host=db.example.org sslmode=require")));
  EXPECT_FALSE(UnverifiedRemoteTransport(std::string("host=db.example.org sslmode=verify-full")));
  EXPECT_TRUE(UnverifiedRemoteTransport(std::string("postgresql://db.example.org/isagw")));
  EXPECT_TRUE(UnverifiedRemoteTransport(std::string("host=")) == std::nullopt);
  EXPECT_TRUE(UnverifiedRemoteTransport(std::string("nonsense without equals")));

  // PGSSLMODE stands for a DSN that gives none; PGHOST for a DSN without a host.
  ::setenv("PGSSLMODE", "verify-full", 1);
  EXPECT_FALSE(UnverifiedRemoteTransport(std::string("host=db.example.org")));
  ::unsetenv("PGSSLMODE");
  ::setenv("PGHOST", "db.example.org", 1);
  EXPECT_TRUE(UnverifiedRemoteTransport(std::string("dbname=isagw")));
  ::unsetenv("PGHOST");
}

TEST(PgTransport, OpenRefusesBeforeConnecting) {
  // 192.0.2.0/24 is TEST-NET-1: nothing answers there, so a refusal that
  // came after trying to connect would take the whole connect_timeout.
  auto opened = PgConnection::Open("host=192.0.2.1 connect_timeout=30 sslmode=require");
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("verify-full"), std::string::npos)
      << opened.error().message;
}

}  // namespace
}  // namespace isagw::store
