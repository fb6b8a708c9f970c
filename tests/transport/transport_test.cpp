// Each transport's byte accounting against packets counted by hand from the RFCs, and the
// radio model's state transitions.
#include <gtest/gtest.h>

#include "sim/transport/hpack.h"
#include "sim/transport/http1.h"
#include "sim/transport/http2.h"
#include "sim/transport/radio.h"
#include "sim/transport/tls.h"
#include "sim/transport/websocket.h"
#include "sim/transport/wire.h"

namespace mqttbed::transport {
namespace {

TEST(Wire, ExchangeCountsSegmentsHeadersAndTheFinalAck) {
  // 100 bytes up, 3000 down (3 segments of at most 1460), then the client's pure ACK.
  WireCost cost = exchange_cost({{true, 80, 20}, {false, 2900, 100}});
  EXPECT_EQ(cost.up_payload, 80u);
  EXPECT_EQ(cost.up_overhead, 20u + 40u + 40u);
  EXPECT_EQ(cost.down_payload, 2900u);
  EXPECT_EQ(cost.down_overhead, 100u + 3 * 40u);
  EXPECT_EQ(cost.packets, 1u + 3u + 1u);
  WireCost open = tcp_open_cost();
  EXPECT_EQ(open.total(), 44u + 44u + 40u);
  EXPECT_EQ(tcp_close_cost().total(), 160u);
}

TEST(Http1, GetRequestAnd204ResponseAreTheBytesCountedByHand) {
  HttpRequestShape get;
  get.path = "/v1/devices/d1/messages";
  // "GET /v1/devices/d1/messages HTTP/1.1\r\n" 38, "Host: iot.example.com\r\n" 23,
  // "User-Agent: mqttbed-device/1.0\r\n" 32, "Accept: application/json\r\n" 26, "\r\n" 2.
  EXPECT_EQ(http1_request_head(get).size(), 121u);
  get.keep_alive = false;  // + "Connection: close\r\n" 19
  EXPECT_EQ(http1_request_head(get).size(), 140u);
  // "HTTP/1.1 204 No Content\r\n" 25, "Server: nginx\r\n" 15, "Date: <29>\r\n" 37, "\r\n" 2.
  EXPECT_EQ(http1_response_head(204, 0, true).size(), 79u);
  // 200: "HTTP/1.1 200 OK\r\n" 17 + 15 + 37 + "Content-Type: application/json\r\n" 32 +
  // "Content-Length: 42\r\n" 20 + 2.
  EXPECT_EQ(http1_response_head(200, 42, true).size(), 123u);
  HttpRequestShape post;
  post.method = "POST";
  post.path = "/t";  // 18 + 23 + 32 + 26 + 32 + "Content-Length: 200\r\n" 21 + 2
  post.body = 200;
  EXPECT_EQ(http1_request_head(post).size(), 154u);
}

TEST(WebSocket, FrameHeadersFollowRfc6455LengthsAndMasking) {
  EXPECT_EQ(websocket_frame_header(125, false), 2u);
  EXPECT_EQ(websocket_frame_header(125, true), 6u);
  EXPECT_EQ(websocket_frame_header(126, false), 4u);  // 16-bit extended length
  EXPECT_EQ(websocket_frame_header(126, true), 8u);   // + 4-byte masking key
  EXPECT_EQ(websocket_frame_header(65535, true), 8u);
  EXPECT_EQ(websocket_frame_header(65536, true), 14u);  // 64-bit extended length
  // 20 + 23 + 20 + 21 + 45 + 27 + 30 + 2 with host iot.example.com and path /mqtt.
  EXPECT_EQ(websocket_upgrade_request("iot.example.com", "/mqtt").size(), 188u);
  // 34 + 20 + 21 + 52 + 30 + 2
  EXPECT_EQ(websocket_upgrade_response().size(), 159u);
}

TEST(Hpack, IntegersMatchRfc7541Examples) {
  EXPECT_EQ(hpack_integer_bytes(10, 5), 1u);    // C.1.1
  EXPECT_EQ(hpack_integer_bytes(1337, 5), 3u);  // C.1.2
  EXPECT_EQ(hpack_integer_bytes(42, 8), 1u);    // C.1.3
  EXPECT_EQ(hpack_integer_bytes(31, 5), 2u);    // 2^N-1 needs a continuation byte
}

TEST(Hpack, SecondIdenticalRequestIsOneByteAField) {
  HpackEncoder encoder;
  HeaderList get{{":method", "GET"},
                 {":scheme", "https"},
                 {":authority", "iot.example.com"},
                 {":path", "/v1/devices/d1/messages"},
                 {"user-agent", "mqttbed-device/1.0"},
                 {"accept", "application/json"}};
  // 1 + 1 + (1+1+15) + (1+1+23) + (1+1+18) + (1+1+16)
  EXPECT_EQ(encoder.encode(get), 82u);
  EXPECT_EQ(encoder.encode(get), 6u);
}

TEST(Hpack, EvictionForgetsTheOldestEntry) {
  HpackEncoder encoder(64);  // room for one entry of 32 + name + value <= 64
  EXPECT_EQ(encoder.encode({{"x-a", "1234"}}), 1u + 1 + 3 + 1 + 4);
  EXPECT_EQ(encoder.encode({{"x-b", "5678"}}), 10u);  // evicts x-a
  EXPECT_EQ(encoder.encode({{"x-a", "1234"}}), 10u);
  EXPECT_EQ(encoder.encode({{"x-a", "1234"}}), 1u);
}

TEST(Http2, PollingOverOneConnectionShrinksHeadersAfterTheFirst) {
  Http2Connection h2;
  Flight first = h2.request("GET", "iot.example.com", "/v1/devices/d1/messages", 0);
  EXPECT_EQ(first.overhead, 9u + 82u);
  Flight second = h2.request("GET", "iot.example.com", "/v1/devices/d1/messages", 0);
  EXPECT_EQ(second.overhead, 9u + 6u);
  // :status 204 indexed (1), server literal (1+1+5), date literal (1+1+29).
  EXPECT_EQ(h2.response(0, 10).overhead, 9u + 1 + 7 + 31);
  // Same second: the date is in the dynamic table now.
  EXPECT_EQ(h2.response(0, 10).overhead, 9u + 3);
  EXPECT_EQ(h2.response(0, 11).overhead, 9u + 1 + 1 + 1 + 1 + 29);
  std::uint64_t preface = 0;
  for (const Flight& f : Http2Connection::open_flights()) preface += f.overhead;
  EXPECT_EQ(preface, (24u + 27 + 13) + (27 + 13 + 9) + 9);
}

TEST(Tls, RecordOverheadPerVersion) {
  EXPECT_EQ(tls_record_overhead(TlsVersion::v13, 100), 22u);
  EXPECT_EQ(tls_record_overhead(TlsVersion::v12, 100), 29u);
  EXPECT_EQ(tls_record_overhead(TlsVersion::v13, 16385), 44u);  // two records
  EXPECT_EQ(tls_close_notify_bytes(TlsVersion::v13), 24u);
}

TEST(Tls, HandshakeRoundTripsAndResumption) {
  TlsProfile v13;
  TlsHandshake full = tls_handshake(v13, false);
  EXPECT_EQ(full.round_trips, 1);
  // ClientHello: 5 + 4 + (2 + 32 + 33 + 2 + 6 + 2 + 2 + 103 extensions).
  EXPECT_EQ(full.flights.front().overhead, 191u);
  TlsHandshake resumed = tls_handshake(v13, true);
  auto total = [](const TlsHandshake& h) {
    std::uint64_t sum = 0;
    for (const Flight& f : h.flights) sum += f.overhead;
    return sum;
  };
  EXPECT_GT(total(full), v13.server_chain[0] + v13.server_chain[1]);
  EXPECT_LT(total(resumed), 1000u);
  TlsProfile v12 = v13;
  v12.version = TlsVersion::v12;
  EXPECT_EQ(tls_handshake(v12, false).round_trips, 2);
  EXPECT_EQ(tls_handshake(v12, true).round_trips, 1);
}

TEST(Radio, OneBurstPaysPromotionActiveAndTail) {
  RadioParams lte = lte_radio();
  RadioUsage u = radio_usage(lte, {{10.0, 10.1}}, 100.0);
  EXPECT_EQ(u.promotions, 1u);
  EXPECT_NEAR(u.active_s, 0.1, 1e-9);
  EXPECT_NEAR(u.tail_s, 11.576, 1e-9);
  EXPECT_NEAR(u.on_s(), 0.2601 + 0.1 + 11.576, 1e-9);
  EXPECT_NEAR(u.on_s() + u.idle_s, 100.0, 1e-9);
  EXPECT_NEAR(u.energy_j, (0.2601 * 1210.7 + 0.1 * 1060 + 11.576 * 1060 + u.idle_s * 11.4) / 1000,
              1e-9);
  EXPECT_NEAR(u.above_idle_j, u.energy_j - 100.0 * 11.4 / 1000, 1e-9);
}

TEST(Radio, BurstWithinTheTailNeedsNoPromotionAndRestartsTheTimer) {
  RadioParams lte = lte_radio();
  RadioUsage u = radio_usage(lte, {{10.0, 10.1}, {15.1, 15.2}}, 100.0);
  EXPECT_EQ(u.promotions, 1u);
  EXPECT_NEAR(u.tail_s, 5.0 + 11.576, 1e-9);
  RadioUsage apart = radio_usage(lte, {{10.0, 10.1}, {40.0, 40.1}}, 100.0);
  EXPECT_EQ(apart.promotions, 2u);
  EXPECT_NEAR(apart.tail_s, 2 * 11.576, 1e-9);
  RadioUsage overlapping = radio_usage(lte, {{10.0, 12.0}, {11.0, 13.0}}, 100.0);
  EXPECT_EQ(overlapping.promotions, 1u);
  EXPECT_NEAR(overlapping.active_s, 3.0, 1e-9);
}

TEST(Radio, TailCutAtTheHorizonAndNoTrafficIsAllIdle) {
  RadioUsage u = radio_usage(wifi_psm_radio(), {{99.9, 100.0}}, 100.0);
  EXPECT_NEAR(u.tail_s, 0.0, 1e-9);
  RadioUsage none = radio_usage(wifi_psm_radio(), {}, 50.0);
  EXPECT_EQ(none.promotions, 0u);
  EXPECT_NEAR(none.idle_s, 50.0, 1e-9);
  EXPECT_NEAR(none.energy_j, 50.0 * 77.2 / 1000, 1e-9);
  EXPECT_NEAR(none.above_idle_j, 0.0, 1e-12);
  EXPECT_THROW(radio_by_name("5g"), std::invalid_argument);
}

}  // namespace
}  // namespace mqttbed::transport
