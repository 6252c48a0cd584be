#include "cli.h"

#include "options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char profile_usage[] =
    "Usage: sandbox-profile [OPTIONS] [--] PROGRAM [ARGS...]\n"
    "       sandbox-profile [OPTIONS] --attach=PID\n"
    "Run PROGRAM under ptrace (or count its calls in kernel with eBPF) and write\n"
    "the syscalls of its init and serving phases as a sandbox-policy(5) file.\n"
    "With --attach, record a running process into the serving phase instead.\n"
    "\n"
    "  -m, --phase-marker=SPEC   where init ends: SYSCALL[,SYSCALL...] (a family such as\n"
    "                            accept also matches accept4), auto, or none (default)\n"
    "      --marker-fd=N         markers count only when their first argument is fd N\n"
    "      --marker-after=LIST   markers count only after the process called one of LIST\n"
    "  -o, --output=FILE         policy to write (default: ./PROGRAM.ini)\n"
    "  -M, --merge               add this run to FILE (union per phase, counts added)\n"
    "      --default=ACTION      default action of a new policy: kill (default),\n"
    "                            errno NAME, log\n"
    "      --settle-timeout=MS   bound of the settle step (default 1000)\n"
    "      --capabilities=LIST   capabilities the program keeps (default none: it is\n"
    "                            profiled the way sandbox-run will run it)\n"
    "      --args=MODE           argument conditions: danger (default: deny only the\n"
    "                            dangerous values never seen), exact, or off\n"
    "      --restart=on|off      on: a supervisor (it started workers in init, then\n"
    "                            served) may start them again while serving, so\n"
    "                            serving also allows what it and they did in init,\n"
    "                            exec excepted; off (default): the summary only says\n"
    "                            when it saw one\n"
    "      --backend=NAME        ptrace (default), ebpf (in-kernel counting, as root),\n"
    "                            or auto (ebpf if it loads, else ptrace)\n"
    "  -p, --attach=PID          record running process PID (its threads, and its\n"
    "                            children from now on) into [serving], until SIGINT,\n"
    "                            SIGTERM or --duration; it is left running untraced\n"
    "      --duration=SECONDS    with --attach: stop after SECONDS\n"
    "  -T, --tree                print the process tree (default unless --quiet)\n"
    "  -q, --quiet               no summary on stderr\n"
    "  -h, --help                this help\n"
    "  -V, --version             version\n"
    "\n"
    "Exit status: the program's (128+N if killed by signal N); 125 profiler error;\n"
    "126 program not executable; 127 program not found. See sandbox-profile(1).\n";

enum {
	OPT_MARKER_FD = 256,
	OPT_MARKER_AFTER,
	OPT_DEFAULT,
	OPT_SETTLE,
	OPT_CAPS,
	OPT_ARGS,
	OPT_BACKEND,
	OPT_DURATION,
	OPT_RESTART
};

static const struct option longopts[] = {
    {"phase-marker", required_argument, NULL, 'm'},
    {"marker-fd", required_argument, NULL, OPT_MARKER_FD},
    {"marker-after", required_argument, NULL, OPT_MARKER_AFTER},
    {"output", required_argument, NULL, 'o'},
    {"merge", no_argument, NULL, 'M'},
    {"default", required_argument, NULL, OPT_DEFAULT},
    {"settle-timeout", required_argument, NULL, OPT_SETTLE},
    {"capabilities", required_argument, NULL, OPT_CAPS},
    {"args", required_argument, NULL, OPT_ARGS},
    {"backend", required_argument, NULL, OPT_BACKEND},
    {"restart", required_argument, NULL, OPT_RESTART},
    {"attach", required_argument, NULL, 'p'},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"tree", no_argument, NULL, 'T'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void set_marker(struct profile_opts *o, const char *spec)
{
	if (!strcmp(spec, "none")) {
		o->marker_mode = MARKER_NONE;
	} else if (!strcmp(spec, "auto")) {
		o->marker_mode = MARKER_AUTO;
	} else {
		o->marker_mode = MARKER_LIST;
		o->markers = spec;
	}
}

static int parse_args_mode(const char *s, enum sb_args_mode *out, char *err, size_t errlen)
{
	static const char *const modes[] = {
	    [SB_ARGS_DANGER] = "danger", [SB_ARGS_EXACT] = "exact", [SB_ARGS_OFF] = "off"};

	for (int m = 0; m < 3; m++)
		if (!strcmp(s, modes[m])) {
			*out = (enum sb_args_mode)m;
			return 0;
		}
	snprintf(err, errlen, "--args: expected danger, exact or off, got '%s'", s);
	return -1;
}

static int set_backend(struct profile_opts *o, const char *name, char *err, size_t errlen)
{
	static const char *const names[] = {"ptrace", "ebpf", "auto"};
	static const enum backend values[] = {BACKEND_PTRACE, BACKEND_EBPF, BACKEND_AUTO};

	for (size_t i = 0; i < SB_ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i])) {
			o->backend = values[i];
			return 0;
		}
	snprintf(err, errlen, "--backend: expected ptrace, ebpf or auto, got '%s'", name);
	return -1;
}

static int parse_one(int c, void *opts, char *err, size_t errlen)
{
	struct profile_opts *o = opts;

	switch (c) {
	case 'm': set_marker(o, optarg); return 0;
	case 'o': o->output = optarg; return 0;
	case 'M': o->merge = true; return 0;
	case 'T': o->tree = true; return 0;
	case 'q': o->quiet = true; return 0;
	case 'h': o->help = true; return 0;
	case 'V': o->version = true; return 0;
	case OPT_MARKER_AFTER: o->marker_after = optarg; return 0;
	case OPT_CAPS: o->capabilities = optarg; return 0;
	case OPT_MARKER_FD:
		if (sb_parse_int(optarg, 0, 1 << 20, &o->marker_fd) == 0)
			return 0;
		snprintf(err, errlen, "--marker-fd: not a file descriptor: '%s'", optarg);
		return -1;
	case OPT_ARGS: return parse_args_mode(optarg, &o->args, err, errlen);
	case OPT_BACKEND: return set_backend(o, optarg, err, errlen);
	case OPT_RESTART:
		if (!strcmp(optarg, "on") || !strcmp(optarg, "off")) {
			o->restart = !strcmp(optarg, "on");
			return 0;
		}
		snprintf(err, errlen, "--restart: expected on or off, got '%s'", optarg);
		return -1;
	case 'p':
		if (sb_parse_int(optarg, 1, 1 << 22, &o->attach_pid) == 0)
			return 0;
		snprintf(err, errlen, "--attach: not a process id: '%s'", optarg);
		return -1;
	case OPT_DURATION:
		if (sb_parse_int(optarg, 1, 7 * 24 * 3600, &o->duration_s) == 0)
			return 0;
		snprintf(err, errlen, "--duration: expected 1 to 604800 seconds, got '%s'", optarg);
		return -1;
	case OPT_SETTLE: return sb_option_settle_timeout(optarg, &o->settle_timeout_ms, err, errlen);
	case OPT_DEFAULT:
		if (sb_action_parse(optarg, &o->def) == 0 && o->def.kind != SB_ACT_ALLOW)
			return 0;
		snprintf(err, errlen, "--default: expected kill, errno NAME or log, got '%s'", optarg);
		return -1;
	default:
		snprintf(err, errlen, "option -%c is not handled", c);
		return -1; /* unreachable: getopt only returns listed options */
	}
}

/* sb_transition_set's error r for one option's list, for the command line. */
static int names_error(int r, const char *opt, const char *what, const char *bad, char *err, size_t errlen)
{
	if (r == -E2BIG)
		snprintf(err, errlen, "%s: at most %d %s", opt, SB_MAX_MARKERS, what);
	else if (r == -ENOENT)
		snprintf(err, errlen, "%s: unknown syscall or family '%s'", opt, bad);
	else
		snprintf(err, errlen, "%s: empty name in the list", opt);
	return -1;
}

/* The lists are checked here, so that the message names the option. */
static int check_markers(const struct profile_opts *o, char *err, size_t errlen)
{
	struct sb_transition tr;
	const char *bad = NULL;
	int r = sb_transition_set(&tr, o->markers, -1, NULL, &bad);

	if (r < 0)
		return names_error(r, "--phase-marker", "markers", bad, err, errlen);
	r = sb_transition_set(&tr, o->markers, -1, o->marker_after, &bad);
	if (r < 0)
		return names_error(r, "--marker-after", "names", bad, err, errlen);
	return 0;
}

/* --attach records serving only: the rule that ends init is the policy's
 * (--phase-marker=LIST, or the merged file's); auto has nothing to detect. */
static int check_attach(const struct profile_opts *o, char *err, size_t errlen)
{
	if (!o->attach_pid && o->duration_s) {
		snprintf(err, errlen, "--duration needs --attach");
		return -1;
	}
	if (o->attach_pid && o->argv[0]) {
		snprintf(err, errlen, "--attach records a running process: no PROGRAM ('%s')", o->argv[0]);
		return -1;
	}
	if (o->attach_pid && o->marker_mode == MARKER_AUTO) {
		snprintf(err, errlen,
		         "--attach records serving only: --phase-marker=auto has nothing to detect");
		return -1;
	}
	return 0;
}

static int check(const struct profile_opts *o, char *err, size_t errlen)
{
	if (o->help || o->version)
		return 0;
	if (check_attach(o, err, errlen) < 0)
		return -1;
	if (!o->argv[0] && !o->attach_pid) {
		snprintf(err, errlen, "no program given (see --help)");
		return -1;
	}
	if (o->marker_mode != MARKER_LIST && (o->marker_fd >= 0 || o->marker_after)) {
		snprintf(err, errlen, "--marker-fd and --marker-after need --phase-marker=SYSCALL");
		return -1;
	}
	return o->marker_mode == MARKER_LIST ? check_markers(o, err, errlen) : 0;
}

int profile_parse_args(int argc, char **argv, struct profile_opts *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->marker_fd = -1;
	o->def.kind = SB_ACT_KILL;
	int first = sb_parse_options(argc, argv, "m:o:Mp:TqhV", longopts, parse_one, o, err, errlen);

	if (first < 0)
		return -1;
	o->argv = argv + first;
	return check(o, err, errlen);
}
