// noop_milter.cpp - the floor of figure 3: a libmilter milter that does nothing.
//
//   mailveil-noop-milter SOCKET_PATH
//
// It negotiates what mailveil negotiates on a unix socket (no HELO or unknown
// commands; no replies to connect, MAIL and header fields) and settles every
// message at DATA, as mailveil does for recipients without a key, but looks
// nothing up and logs nothing. Postfix with this milter is as fast as any
// libmilter milter that sees each envelope can be; bench/run measures
// mailveil's pass-through against it as well as against no milter at all.
#include <libmilter/mfapi.h>

#include <cstdio>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

sfsistat on_negotiate(SMFICTX*, unsigned long actions, unsigned long steps, unsigned long,
                      unsigned long, unsigned long* actions_out, unsigned long* steps_out,
                      unsigned long* reserved2, unsigned long* reserved3) {
    *actions_out = actions & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY);
    *steps_out = steps & (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_HDR_LEADSPC | SMFIP_NR_CONN |
                          SMFIP_NR_MAIL | SMFIP_NR_HDR);
    *reserved2 = 0;
    *reserved3 = 0;
    return SMFIS_CONTINUE;
}

sfsistat on_connect(SMFICTX*, char*, _SOCK_ADDR*) {
    return SMFIS_NOREPLY;
}
sfsistat on_envfrom(SMFICTX*, char**) {
    return SMFIS_NOREPLY;
}
sfsistat on_envrcpt(SMFICTX*, char**) {
    return SMFIS_CONTINUE;
}
sfsistat on_data(SMFICTX*) {
    return SMFIS_ACCEPT;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: mailveil-noop-milter SOCKET_PATH\n");
        return 64;
    }
    const std::string socket_path = argv[1];
    unlink(socket_path.c_str());
    umask(0); // Postfix's smtpd, another user, connects
    smfiDesc desc{};
    desc.xxfi_name = const_cast<char*>("mailveil-noop");
    desc.xxfi_version = SMFI_VERSION;
    desc.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY;
    desc.xxfi_connect = on_connect;
    desc.xxfi_envfrom = on_envfrom;
    desc.xxfi_envrcpt = on_envrcpt;
    desc.xxfi_data = on_data;
    desc.xxfi_negotiate = on_negotiate;
    const std::string address = "unix:" + socket_path;
    if (smfi_setconn(const_cast<char*>(address.c_str())) != MI_SUCCESS ||
        smfi_register(desc) != MI_SUCCESS || smfi_opensocket(1) != MI_SUCCESS) {
        std::fprintf(stderr, "mailveil-noop-milter: cannot listen on %s\n", socket_path.c_str());
        return 1;
    }
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
