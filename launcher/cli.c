#include "cli.h"

#include "lookup.h"
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char run_usage[] = "Usage: sandbox-run [OPTIONS] [--policy FILE|NAME] [--] PROGRAM [ARGS...]\n"
                         "Run PROGRAM under the init filter of a sandbox-policy(5) file and switch it\n"
                         "to the serving filter at its transition.\n"
                         "\n"
                         "  -p, --policy=FILE|NAME    the policy to enforce: a path (with a slash), or a\n"
                         "                            NAME[.ini] searched in $SANDBOX_POLICY_PATH,\n"
                         "                            " SB_POLICY_ETCDIR ", " SB_POLICYDIR "\n"
                         "                            (default: PROGRAM's base name)\n"
                         "      --mode=MODE           enforce (default) or complain (report what would be\n"
                         "                            denied; only foreign-ABI calls are still killed)\n"
                         "      --learn=FILE          complain mode: write the policy plus what was missing\n"
                         "      --check               validate the policy and exit (0 valid, 125 not)\n"
                         "      --strict-binary       refuse (125) a program whose SHA-256 is not the\n"
                         "                            one the policy was learned on\n"
                         "      --settle-timeout=MS   bound of the settle step (default 1000)\n"
                         "      --fork                run PROGRAM as a child and wait for it (the kill\n"
                         "                            report comes before we exit); default: PROGRAM\n"
                         "                            takes our pid (exec in place)\n"
                         "  -v, --verbose             report each transition on stderr\n"
                         "  -q, --quiet               no messages but errors\n"
                         "  -h, --help                this help\n"
                         "  -V, --version             version\n"
                         "\n"
                         "Exit status: the program's (128+N if killed by signal N; 159 is a seccomp\n"
                         "kill); 125 launcher error; 126 cannot execute; 127 not found.\n";

enum { OPT_MODE = 256, OPT_LEARN, OPT_CHECK, OPT_SETTLE, OPT_STRICT_BINARY, OPT_FORK };

static const struct option longopts[] = {
    {"policy", required_argument, NULL, 'p'},
    {"mode", required_argument, NULL, OPT_MODE},
    {"learn", required_argument, NULL, OPT_LEARN},
    {"check", no_argument, NULL, OPT_CHECK},
    {"strict-binary", no_argument, NULL, OPT_STRICT_BINARY},
    {"settle-timeout", required_argument, NULL, OPT_SETTLE},
    {"fork", no_argument, NULL, OPT_FORK},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static int parse_one(int c, void *opts, char *err, size_t errlen)
{
	struct run_opts *o = opts;

	switch (c) {
	case 'p': o->policy = optarg; return 0;
	case 'v': o->verbose = true; return 0;
	case 'q': o->quiet = true; return 0;
	case 'h': o->help = true; return 0;
	case 'V': o->version = true; return 0;
	case OPT_LEARN: o->learn = optarg; return 0;
	case OPT_CHECK: o->check = true; return 0;
	case OPT_STRICT_BINARY: o->strict_binary = true; return 0;
	case OPT_FORK: o->fork = true; return 0;
	case OPT_MODE:
		if (!strcmp(optarg, "enforce") || !strcmp(optarg, "complain")) {
			o->mode = optarg[0] == 'e' ? SB_MODE_ENFORCE : SB_MODE_COMPLAIN;
			return 0;
		}
		snprintf(err, errlen, "--mode: expected enforce or complain, got '%s'", optarg);
		return -1;
	case OPT_SETTLE: return sb_option_settle_timeout(optarg, &o->settle_timeout_ms, err, errlen);
	default:
		snprintf(err, errlen, "option -%c is not handled", c);
		return -1; /* unreachable: getopt only returns listed options */
	}
}

static int check(const struct run_opts *o, char *err, size_t errlen)
{
	if (o->help || o->version)
		return 0;
	if (!o->policy && (o->check || !o->argv[0])) {
		snprintf(err, errlen, "no policy given: --policy FILE or NAME is required without a program");
		return -1;
	}
	if (o->learn && o->mode != SB_MODE_COMPLAIN) {
		snprintf(err, errlen, "--learn needs --mode=complain");
		return -1;
	}
	if (!o->check && !o->argv[0]) {
		snprintf(err, errlen, "no program given (see --help)");
		return -1;
	}
	return 0;
}

int run_parse_args(int argc, char **argv, struct run_opts *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->mode = SB_MODE_ENFORCE;
	int first = sb_parse_options(argc, argv, "p:vqhV", longopts, parse_one, o, err, errlen);

	if (first < 0)
		return -1;
	o->argv = argv + first;
	return check(o, err, errlen);
}
