// The account namespace policy (the seed's custom authorizer): which topics a client may
// publish to or subscribe to, judged from its client id alone. The broker model's
// authorizer and the isolation checker both ask it, so they can never disagree.
#pragma once

#include <string>
#include <string_view>

#include "sim/scenario/client_id.h"

namespace mqttbed::security {

// The client id of the cloud shadow service, the only client outside every account.
using scenario::kShadowClientId;

// "acct3" for "acct3-home3-light0" or "acct3-app0" (client_id.h's grammar); "" for the
// shadow service and for ids outside the grammar, which name no account.
std::string account_of(const std::string& client_id);

// May `client_id` publish (write=true) to, or subscribe (write=false) to,
// `topic_or_filter`?
//  - a client of account A: only platform/A[/...] and $aws/things/A-{rest}/shadow[/...]
//    with the account and thing levels spelled out (no '+' or '#' there);
//  - cloud-shadow: only $aws/things[/...];
//  - anyone else: nothing.
// Reading and writing follow the same rule; `write` is kept for policies that split them.
bool is_allowed(const std::string& client_id, std::string_view topic_or_filter, bool write);

}  // namespace mqttbed::security
