/* sandbox-policy: check, inspect, compare, combine and export
 * sandbox-policy(5) files. main only dispatches (tool.h). */
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "tool.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
    {"check", cmd_check},
    {"show", cmd_show},
    {"calls", cmd_calls},
    {"get", cmd_get},
    {"diff", cmd_diff},
    {"merge", cmd_merge},
    {"union", cmd_union},
    {"missing", cmd_missing},
    {"names", cmd_names},
    {"export", cmd_export},
    {"set-header", cmd_set_header},
    {"roundtrip", cmd_roundtrip},
};

static const char usage[] =
    "Usage: sandbox-policy COMMAND [OPTIONS] ARGS...\n"
    "  check [-q] FILE...              validate; report what each phase allows\n"
    "  show [--json] FILE              counts per phase and tier\n"
    "  calls FILE PHASE                NAME<tab>ACTION<tab>COUNT<tab>FAMILY|- per line\n"
    "  get FILE KEY                    a [sandbox] value as written (1: not set)\n"
    "  diff A B                        what differs (0 same, 1 differ)\n"
    "  merge [-o OUT] FILE RUN...      union per phase, counts added\n"
    "  union [-o OUT] [--comment=TEXT] FILE   single phase: init = init + serving\n"
    "  missing LEARNED POLICY          PHASE NAME lines LEARNED lists, POLICY not (1: some)\n"
    "  names                           the x86_64 syscall names libseccomp knows\n"
    "  export --format=oci|systemd|minijail [--exec-start=CMD] [--drop-conditions] FILE\n"
    "  set-header [-o OUT] FILE HEADER the comments of FILE become HEADER's lines\n"
    "  roundtrip FILE                  0 if writing what was read gives FILE back\n"
    "Exit status: 0 yes/done, 1 differ, 2 usage, 125 bad policy or I/O error.\n";

int main(int argc, char **argv)
{
	sb_progname = "sandbox-policy";
	sb_die_status = TOOL_ERROR;
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? TOOL_USAGE : TOOL_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("sandbox-policy %s\n", SB_VERSION);
		return TOOL_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name)) {
			static char name[64];
			snprintf(name, sizeof(name), "sandbox-policy %s", commands[i].name);
			sb_progname = name; /* messages: "sandbox-policy CMD: ..." */
			return commands[i].run(argc - 1, argv + 1);
		}
	fprintf(stderr, "sandbox-policy: unknown command '%s'\n%s", argv[1], usage);
	return TOOL_USAGE;
}
