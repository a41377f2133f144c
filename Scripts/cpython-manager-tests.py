#!/usr/bin/env python3
"""Run CPython's own manager regression tests against an external manager server.

The judge of wire compatibility for swift-multiprocessing is CPython's regression suite,
``test/_test_multiprocessing.py``: the ``_Test*`` classes whose ``ALLOWED_TYPES`` include
``'manager'`` (built into ``WithManager*`` classes exactly as the suite's
``install_tests_in_module_dict(..., only_type='manager')`` builds them) plus ``TestSyncManagerTypes``.

Instead of letting ``multiprocessing.Manager()`` fork a Python server, every manager the tests
create is a ``SyncManager`` *connected* to an external server:

* ``--server-cmd "CMD {address} {authkey}"`` starts any server (for example
  ``swift-multiprocessing serve --unix {address} --authkey-hex {authkey}``). The command must print
  one line ``listening on ADDRESS`` on stdout once it accepts connections and exit on SIGTERM.
* ``--cpython-server`` starts CPython's own ``SyncManager`` server the same way (the control run).

Each test class runs in its own Python subprocess against its own fresh server (each test of
``TestSyncManagerTypes`` gets its own, as each of those tests starts its own manager), so the
suite's leak check (``_number_of_objects()`` at ``tearDownClass``) sees exactly the objects of
that class, and a hang becomes a failure when the per-class ``--timeout`` expires.

Children of the tests are started with the ``fork`` start method (what the suite's
``test_multiprocessing_fork`` uses); ``multiprocessing.current_process().authkey`` is set to the
server key, so forked children and proxies rebuilt from the wire authenticate with the server.

Tests that need the server to run Python code are listed in ``EXCLUDED`` with a reason each.
The standard library only. See Scripts/cpython-manager-tests.md.
"""

import argparse
import json
import os
import secrets
import select
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time

# The tests that need the server to run Python code, keyed by "Class" (the whole class) or
# "Class.test". Names are the suite's generated names (WithManager* for the mixin classes).
EXCLUDED = {
    'WithManagerTestPool':
        'manager.Pool() hosts a multiprocessing.pool.Pool: the server runs Python worker processes',
    'WithManagerTestMyManager':
        'starts its own Python manager (MyManager) hosting Python-defined classes',
    'WithManagerTestRemoteManager':
        'starts its own Python QueueManager server on a TCP port',
    'WithManagerTestManagerRestart':
        'starts, stops and restarts its own Python QueueManager server',
    'WithManagerTestBarrier.test_action':
        'Barrier(action=AppendTrue(...)): the server must unpickle and call a Python object',
    'TestSyncManagerTypes.test_pool':
        'manager.Pool() hosts a multiprocessing.pool.Pool: the server runs Python worker processes',
}

# Test classes whose every test gets its own server (each test starts and shuts down a manager).
PER_TEST_SERVER_CLASSES = {'TestSyncManagerTypes'}

GENERATED_MODULE = 'cpython_manager_tests_generated'
SPEC_ENVIRONMENT_VARIABLE = 'SWIFT_MULTIPROCESSING_CPYTESTS_SPEC'


def default_start_method():
    """fork, as CPython's test_multiprocessing_fork, except on macOS where the suite skips fork."""
    return 'spawn' if sys.platform == 'darwin' else 'fork'
SERVER_START_TIMEOUT = 30.0
SERVER_STOP_TIMEOUT = 10.0

# Servers and test processes running now, each in its own session: killed if the runner is stopped.
LIVE_PROCESSES = set()


# ---------------------------------------------------------------------------------------------
# Building the suite's classes (used both for --list/selection and inside each class subprocess)
# ---------------------------------------------------------------------------------------------

def build_test_module(external_manager_class=None, start_method=None):
    """Create the module holding the manager test classes exactly as the suite builds them.

    The module is registered in sys.modules so that unittest runs its setUpModule/tearDownModule
    (start method, logger level, temp dir) around the classes, as the suite does.
    """
    import types
    import unittest
    import test._test_multiprocessing as suite

    module = types.ModuleType(GENERATED_MODULE)
    sys.modules[GENERATED_MODULE] = module
    suite.install_tests_in_module_dict(module.__dict__, start_method or default_start_method(),
                                       only_type='manager')
    attributes = {'__module__': GENERATED_MODULE}
    if external_manager_class is not None:
        attributes['manager_class'] = external_manager_class
    sync_types = type('TestSyncManagerTypes', (suite.TestSyncManagerTypes,), attributes)
    sync_types.__qualname__ = 'TestSyncManagerTypes'
    module.TestSyncManagerTypes = sync_types

    classes = {}
    for name, value in module.__dict__.items():
        if isinstance(value, type) and issubclass(value, unittest.TestCase):
            classes[name] = value
    return suite, module, classes


def enumerate_tests():
    """Return [(class name, [test names])] of every manager test class, in suite order."""
    import unittest
    _, _, classes = build_test_module()
    loader = unittest.TestLoader()
    return [(name, list(loader.getTestCaseNames(cls))) for name, cls in classes.items()]


def exclusion_reason(class_name, test_name):
    """The documented reason a test is not run, or None when it runs."""
    return EXCLUDED.get(class_name) or EXCLUDED.get(f'{class_name}.{test_name}')


# ---------------------------------------------------------------------------------------------
# Child mode: run some tests of one class against an already running server
# ---------------------------------------------------------------------------------------------

def install_external_manager(spec):
    """Make every manager the tests create a SyncManager connected to the server named in `spec`.

    Returns what build_test_module() returns, the module built with the connected manager class.
    """
    import multiprocessing
    import multiprocessing.managers as managers
    from multiprocessing import process

    address = spec['address']
    authkey = bytes.fromhex(spec['authkey'])
    # Forked children inherit this, spawned ones receive it; proxies rebuilt from the wire use it.
    process.current_process().authkey = authkey

    class ExternalSyncManager(managers.SyncManager):
        """A SyncManager whose start() connects to the external server instead of starting one."""

        def __init__(self, address_=None, authkey_=None, *args, **kwargs):
            kwargs.pop('address', None)
            kwargs.pop('authkey', None)
            super().__init__(address, authkey, *args, **kwargs)
            self._process = None  # start() would set it; join() reads it

        def start(self, initializer=None, initargs=()):
            self.connect()

        def shutdown(self):
            """Stand-in for the finalizer start() installs: forget the server, leave it running."""
            self._state.value = managers.State.SHUTDOWN
            managers.BaseProxy._address_to_local.pop(self._address, None)

    def external_manager():
        manager = ExternalSyncManager(ctx=multiprocessing.get_context())
        manager.start()
        return manager

    # ManagerMixin.setUpClass calls multiprocessing.Manager(); TestSyncManagerTypes uses manager_class.
    multiprocessing.Manager = external_manager
    return build_test_module(ExternalSyncManager, spec['start_method'])


def run_child(spec_path):
    """Run the tests named in the spec file, appending one JSON line per result to its result file."""
    with open(spec_path) as f:
        spec = json.load(f)
    import faulthandler
    import unittest
    from multiprocessing import process

    # Dump every thread's stack shortly before the runner's deadline, then exit: a hang shows where.
    faulthandler.dump_traceback_later(max(1.0, spec['timeout'] - 5.0), exit=True)

    process.current_process().authkey = bytes.fromhex(spec['authkey'])
    # Spawned and forkserver children import this script as __mp_main__ and rebuild the module
    # from this spec (see the end of the file); forked children inherit everything.
    os.environ[SPEC_ENVIRONMENT_VARIABLE] = spec_path
    _, module, classes = install_external_manager(spec)
    from test import support
    cls = classes[spec['class']]

    results = open(spec['results'], 'a', buffering=1)

    def record(test, outcome, detail=''):
        test_id = test.id() if hasattr(test, 'id') else str(test)
        name = test_id
        if test_id.startswith(GENERATED_MODULE + '.'):
            name = test_id[len(GENERATED_MODULE) + 1:]
        results.write(json.dumps({'name': name, 'outcome': outcome, 'detail': detail,
                                  'time': round(time.monotonic() - started.get(test_id, time.monotonic()), 3)})
                      + '\n')

    started = {}

    class RecordingResult(unittest.TextTestResult):
        def startTest(self, test):
            started[test.id()] = time.monotonic()
            record(test, 'started')
            super().startTest(test)

        def addSuccess(self, test):
            super().addSuccess(test)
            record(test, 'passed')

        def addFailure(self, test, err):
            super().addFailure(test, err)
            record(test, 'failed', self.failures[-1][1])

        def addError(self, test, err):
            super().addError(test, err)
            record(test, 'failed', self.errors[-1][1])

        def addSkip(self, test, reason):
            super().addSkip(test, reason)
            record(test, 'skipped', reason)

        def addExpectedFailure(self, test, err):
            super().addExpectedFailure(test, err)
            record(test, 'passed', 'expected failure')

        def addUnexpectedSuccess(self, test):
            super().addUnexpectedSuccess(test)
            record(test, 'failed', 'unexpected success')

        def addSubTest(self, test, subtest, err):
            super().addSubTest(test, subtest, err)
            if err is not None:
                # Recorded under the test's own name: a failed subtest fails its test.
                record(test, 'failed', f'{subtest.id()}\n{self._exc_info_to_string(err, test)}')

    suite = unittest.TestSuite(cls(name) for name in spec['tests'])
    runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=2, resultclass=RecordingResult)
    support.environment_altered = False
    runner.run(suite)
    if support.environment_altered:
        results.write(json.dumps({'name': spec['class'], 'outcome': 'env_changed',
                                  'detail': 'the suite marked the environment as altered '
                                            '(see the warnings in the output)'}) + '\n')
    results.close()
    faulthandler.cancel_dump_traceback_later()
    sys.stdout.flush()
    sys.stderr.flush()
    # Every outcome is recorded. Skip the interpreter's teardown: its finalizers (decrefs of leftover
    # proxies) belong to no test, and the runner stops the server and kills leftover children next.
    os._exit(0)


# ---------------------------------------------------------------------------------------------
# Control server: CPython's own SyncManager server, started like an external server
# ---------------------------------------------------------------------------------------------

def run_cpython_server(address, authkey_hex, globals_log):
    """Serve CPython's SyncManager at `address`; print `listening on ADDRESS`; exit 0 on SIGTERM."""
    from multiprocessing import process
    from multiprocessing.managers import SyncManager

    authkey = bytes.fromhex(authkey_hex)
    # A real manager server process inherits its parent's key; proxies it rebuilds use it.
    process.current_process().authkey = authkey
    if globals_log:
        seen = set()
        log = open(globals_log, 'a', buffering=1)

        def audit(event, args):
            if event == 'pickle.find_class':
                key = f'{args[0]}.{args[1]}'
                if key not in seen:
                    seen.add(key)
                    log.write(key + '\n')
        sys.addaudithook(audit)

    def terminate(signum, frame):
        sys.exit(0)  # serve_forever() turns SystemExit into a clean exit
    signal.signal(signal.SIGTERM, terminate)

    server = SyncManager(address=address, authkey=authkey).get_server()
    print(f'listening on {server.address}', flush=True)
    server.serve_forever()


# ---------------------------------------------------------------------------------------------
# Runner: one server and one subprocess per unit (a class, or a test of TestSyncManagerTypes)
# ---------------------------------------------------------------------------------------------

class ServerError(Exception):
    """The server did not start."""


class Server:
    """An external server process started for one unit."""

    def __init__(self, argv, workdir):
        self.argv = argv
        self.output_path = os.path.join(workdir, 'server-output.txt')
        self.output = open(self.output_path, 'wb')
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=self.output, start_new_session=True)
        LIVE_PROCESSES.add(self.process)
        self.drainer = None

    def wait_until_listening(self, timeout):
        deadline = time.monotonic() + timeout
        line = b''
        stdout = self.process.stdout
        while not line.endswith(b'\n'):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ServerError(f'no "listening on" line within {timeout:.0f} s')
            ready, _, _ = select.select([stdout], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(stdout.fileno(), 1)
            if not chunk:
                self.process.wait(timeout=5)
                raise ServerError(f'server exited with status {self.process.returncode} '
                                  f'before printing "listening on"')
            line += chunk
        text = line.decode('utf-8', 'replace').strip()
        if not text.startswith('listening on '):
            raise ServerError(f'first stdout line is {text!r}, expected "listening on ADDRESS"')
        # Keep reading stdout so that the server never blocks on a full pipe.
        self.drainer = threading.Thread(target=self._drain, daemon=True)
        self.drainer.start()
        return text[len('listening on '):]

    def _drain(self):
        while True:
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                return
            self.output.write(chunk)

    def stop(self):
        """SIGTERM, a bounded wait, then SIGKILL. Returns the exit status (None if it was killed)."""
        status = self.process.poll()
        if status is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                status = self.process.wait(timeout=SERVER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
                status = None
        LIVE_PROCESSES.discard(self.process)
        if self.drainer is not None:
            self.drainer.join(timeout=5)
        self.process.stdout.close()
        self.output.close()
        return status

    def read_output(self):
        with open(self.output_path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')


def server_argv(args, address, authkey_hex, workdir):
    if args.cpython_server:
        return [args.python, os.path.abspath(__file__), '--_cpython-server', address, authkey_hex,
                os.path.join(workdir, 'globals.txt')]
    argv = shlex.split(args.server_cmd)
    return [part.replace('{address}', address).replace('{authkey}', authkey_hex) for part in argv]


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_unit(args, class_name, tests, report):
    """Start a server, run `tests` of `class_name` in a subprocess, stop the server.

    Returns the tests to run again in a fresh unit: when a test hangs until the timeout, it fails and
    the tests after it, which never ran, get another chance instead of failing with it.
    """
    workdir = tempfile.mkdtemp(prefix='smp-cpy-', dir='/tmp' if os.path.isdir('/tmp') else None)
    address = os.path.join(workdir, 'manager.sock')
    authkey_hex = secrets.token_bytes(32).hex()
    unit = class_name if len(tests) != 1 else f'{class_name}.{tests[0]}'
    server = Server(server_argv(args, address, authkey_hex, workdir), workdir)
    try:
        server.wait_until_listening(SERVER_START_TIMEOUT)
    except ServerError as error:
        server.stop()
        detail = f'{error}\nserver output:\n{server.read_output()}'
        for test in tests:
            report(f'{class_name}.{test}', 'failed', detail, 0.0)
        return []

    results_path = os.path.join(workdir, 'results.jsonl')
    spec_path = os.path.join(workdir, 'spec.json')
    with open(spec_path, 'w') as f:
        json.dump({'class': class_name, 'tests': tests, 'address': address, 'authkey': authkey_hex,
                   'results': results_path, 'timeout': args.timeout, 'start_method': args.start_method}, f)
    output_path = os.path.join(workdir, 'test-output.txt')
    began = time.monotonic()
    with open(output_path, 'wb') as output:
        child = subprocess.Popen([args.python, os.path.abspath(__file__), '--_child', spec_path],
                                 stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                 start_new_session=True)
        LIVE_PROCESSES.add(child)
        timed_out = False
        try:
            child.wait(timeout=args.timeout + 10)
        except subprocess.TimeoutExpired:
            timed_out = True
            kill_group(child)
            child.wait()
        # Forked test children the unit left behind must not outlive it.
        kill_group(child)
        LIVE_PROCESSES.discard(child)
    elapsed = time.monotonic() - began
    server_status = server.stop()

    with open(output_path, 'rb') as f:
        test_output = f.read().decode('utf-8', 'replace')
    recorded = {}
    started_tests = []
    env_changed = None
    if os.path.exists(results_path):
        with open(results_path) as f:
            for line in f:
                entry = json.loads(line)
                if entry['outcome'] == 'env_changed':
                    env_changed = entry['detail']
                    continue
                if entry['outcome'] == 'started':
                    started_tests.append(entry['name'])
                    continue
                recorded.setdefault(entry['name'], []).append(entry)

    # Results unittest reported under other names: class and module fixtures (setUpClass,
    # tearDownClass, setUpModule), which fail every test they keep from running.
    fixture_errors = {}
    for name, entries in recorded.items():
        if name.split('.', 1)[0] == class_name and name.split('.', 1)[-1] in tests:
            continue
        for entry in entries:
            if entry['outcome'] == 'failed':
                fixture_errors[name] = entry['detail']
    hung = timed_out or elapsed >= args.timeout - 6
    hung_test = started_tests[-1] if hung and started_tests and not recorded.get(started_tests[-1]) else None
    rerun = []
    for test in tests:
        name = f'{class_name}.{test}'
        entries = recorded.get(name, [])
        if not entries and hung_test and name != hung_test and name not in started_tests:
            rerun.append(test)
            continue
        if not entries:
            if fixture_errors:
                why = 'not run: ' + ', '.join(fixture_errors) + ' failed (see below)'
                report(name, 'failed', why, 0.0)
                continue
            if hung:
                why = f'did not finish within the {args.timeout:.0f} s timeout (stacks in the output below)'
            else:
                why = f'did not report a result (test process exit status {child.returncode})'
            report(name, 'failed', f'{why}\ntest process output (tail):\n{test_output[-6000:]}', 0.0)
            continue
        failed = [e for e in entries if e['outcome'] == 'failed']
        final = failed[0] if failed else entries[-1]
        report(name, final['outcome'], final['detail'], final.get('time', 0.0))
    for name, detail in fixture_errors.items():
        report(f'{unit} [{name}]', 'failed', detail, 0.0)
    if env_changed:
        report(f'{unit} [environment]', 'env_changed', f'{env_changed}\n{test_output[-4000:]}', 0.0)
    if server_status not in (0,):
        shown = 'killed after SIGTERM timeout' if server_status is None else f'exit status {server_status}'
        report(f'{unit} [server exit]', 'failed',
               f'server did not exit 0 on SIGTERM: {shown}\nserver output:\n{server.read_output()[-4000:]}', 0.0)
    globals_path = os.path.join(workdir, 'globals.txt')
    if os.path.exists(globals_path):
        with open(globals_path) as f:
            report.globals_seen[unit] = sorted(line.strip() for line in f if line.strip())
    report.unit_times[unit] = round(elapsed, 2)
    if args.keep_temp:
        print(f'  (kept {workdir})', flush=True)
    else:
        import shutil
        shutil.rmtree(workdir, ignore_errors=True)
    return rerun


def run_units(args, units, report, started):
    """Run the units in order, within --total-timeout; returns how many ran."""
    unit_count = 0
    while units:
        class_name, tests = units.pop(0)
        if args.total_timeout and time.monotonic() - started > args.total_timeout:
            for test in tests:
                report(f'{class_name}.{test}', 'failed',
                       f'not run: the --total-timeout of {args.total_timeout:.0f} s was used up', 0.0)
            continue
        unit_count += 1
        rerun = run_unit(args, class_name, tests, report)
        if rerun:
            print(f'  (running the {len(rerun)} tests of {class_name} after the hung test with a fresh server)',
                  flush=True)
            units.insert(0, (class_name, rerun))
    return unit_count


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run CPython's manager regression tests against an external manager server.")
    source = parser.add_mutually_exclusive_group()
    source.add_argument('--server-cmd', metavar='CMD',
                        help='server command; {address} and {authkey} are replaced by a Unix socket path '
                             'and a hex key; it must print "listening on ADDRESS" and exit on SIGTERM')
    source.add_argument('--cpython-server', action='store_true',
                        help="control run: CPython's own SyncManager server, started as an external server")
    parser.add_argument('--list', action='store_true', help='show the selected and excluded tests and exit')
    parser.add_argument('--filter', metavar='SUBSTR', action='append', default=[],
                        help='run only the tests whose Class.test name contains SUBSTR (repeatable)')
    parser.add_argument('--verbose', '-v', action='store_true',
                        help='show details of every failure and skip, and the server output')
    parser.add_argument('--timeout', type=float, default=60.0, metavar='SECONDS',
                        help='per class (per test for TestSyncManagerTypes); a hang becomes a failure, '
                             'and the tests after the hung one run again with a fresh server (default 60)')
    parser.add_argument('--total-timeout', type=float, default=0.0, metavar='SECONDS',
                        help='stop starting units after SECONDS; the tests not run fail (default: no limit)')
    parser.add_argument('--start-method', choices=('fork', 'spawn', 'forkserver'), default=default_start_method(),
                        help="how the tests start their child processes, as the suite's "
                             'test_multiprocessing_{fork,spawn,forkserver} (default: %(default)s)')
    parser.add_argument('--json', metavar='PATH', help='write the results as JSON to PATH')
    parser.add_argument('--python', default=sys.executable,
                        help='interpreter whose test suite runs (default: this one)')
    parser.add_argument('--fail-env-changed', action='store_true',
                        help="count a class whose tests altered the environment (the suite's leak and "
                             "dangling-process warnings) as a failure")
    parser.add_argument('--run-excluded', action='store_true',
                        help='run the EXCLUDED tests too (to audit the exclusions against --cpython-server; '
                             'with -v the runner lists the globals the server unpickled)')
    parser.add_argument('--keep-temp', action='store_true', help='keep the per-unit temporary directories')
    parser.add_argument('--_child', metavar='SPEC', help=argparse.SUPPRESS)
    parser.add_argument('--_cpython-server', nargs=3, metavar='ARG', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._child:
        return run_child(args._child)
    if args._cpython_server:
        return run_cpython_server(*args._cpython_server)
    # A parent may hand us a blocked or ignored SIGTERM (a Swift test's Foundation.Process does): the
    # servers and test processes inherit both across exec, and a server could then not be stopped.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    # A handler (unlike an ignored signal) is reset to the default in the processes we start. Stopped
    # with SIGTERM, the runner kills its servers and test processes on the way out (see below).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if os.path.realpath(args.python) != os.path.realpath(sys.executable):
        # Enumerate and run with the same interpreter: re-execute under it.
        os.execv(args.python, [args.python, os.path.abspath(__file__)] + (argv or sys.argv[1:]))

    all_tests = enumerate_tests()
    selected, excluded = [], []
    for class_name, tests in all_tests:
        for test in tests:
            name = f'{class_name}.{test}'
            if args.filter and not any(f in name for f in args.filter):
                continue
            reason = None if args.run_excluded else exclusion_reason(class_name, test)
            (excluded if reason else selected).append((class_name, test, reason))

    known = {c for c, _ in all_tests} | {f'{c}.{t}' for c, tests in all_tests for t in tests}
    for stale in sorted(set(EXCLUDED) - known):
        print(f'note: EXCLUDED names {stale}, which this Python\'s test module does not have', file=sys.stderr)

    if args.list:
        print(f'# Python {sys.version.split()[0]}, start method {args.start_method}')
        for class_name, test, _ in selected:
            print(f'SELECTED {class_name}.{test}')
        for class_name, test, reason in excluded:
            print(f'EXCLUDED {class_name}.{test}  -- {reason}')
        print(f'{len(selected)} selected, {len(excluded)} excluded')
        return 0
    if not args.server_cmd and not args.cpython_server:
        parser.error('give --server-cmd CMD or --cpython-server (or --list)')

    results = []
    counts = {'passed': 0, 'failed': 0, 'skipped': 0}
    labels = {'passed': 'PASS', 'failed': 'FAIL', 'skipped': 'SKIP', 'env_changed': 'WARN'}

    def report(name, outcome, detail, seconds):
        if outcome == 'env_changed':
            results.append({'name': name, 'outcome': 'env_changed', 'detail': detail})
            if args.fail_env_changed:
                counts['failed'] += 1
                outcome = 'failed'
        else:
            counts[outcome] += 1
            results.append({'name': name, 'outcome': outcome, 'detail': detail, 'seconds': seconds})
        line = f'{labels[outcome]} {name}'
        if outcome == 'passed':
            line += f' ({seconds:.2f}s)'
        elif outcome == 'skipped':
            line += f'  -- {detail.splitlines()[0] if detail else ""}'
        print(line, flush=True)
        if detail and (outcome == 'failed' or (args.verbose and outcome != 'skipped')):
            print('    ' + detail.rstrip().replace('\n', '\n    '), flush=True)

    report.globals_seen = {}
    report.unit_times = {}

    started = time.monotonic()
    units = []
    for class_name, tests in all_tests:
        chosen = [t for c, t, _ in selected if c == class_name]
        if not chosen:
            continue
        if class_name in PER_TEST_SERVER_CLASSES:
            units.extend((class_name, [t]) for t in chosen)
        else:
            units.append((class_name, chosen))
    try:
        unit_count = run_units(args, units, report, started)
    finally:
        for proc in list(LIVE_PROCESSES):
            kill_group(proc)
    for class_name, test, reason in excluded:
        report(f'{class_name}.{test}', 'skipped', f'excluded: {reason}', 0.0)
    wall = time.monotonic() - started

    if args.verbose and report.globals_seen:
        print('\nGlobals the server unpickled, per unit:')
        for unit, names in report.globals_seen.items():
            print(f'  {unit}: {", ".join(names)}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'python': sys.version, 'start_method': args.start_method,
                       'server': 'cpython' if args.cpython_server else args.server_cmd,
                       'wall_seconds': round(wall, 1), 'counts': counts, 'results': results,
                       'unit_seconds': report.unit_times, 'server_globals': report.globals_seen,
                       'excluded': {f'{c}.{t}': r for c, t, r in excluded}}, f, indent=2)
    print(f'# Python {sys.version.split()[0]}, {unit_count} units, {len(excluded)} tests excluded, '
          f'wall time {wall:.1f} s')
    print(f'{counts["passed"]} passed, {counts["failed"]} failed, {counts["skipped"]} skipped')
    return 0 if counts['failed'] == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
elif __name__ == '__mp_main__' and os.environ.get(SPEC_ENVIRONMENT_VARIABLE):
    # A child of a test started with spawn or forkserver: rebuild the generated test module so that
    # the test's pickled target (a classmethod of a generated class) resolves, connected as the parent.
    with open(os.environ[SPEC_ENVIRONMENT_VARIABLE]) as _spec_file:
        install_external_manager(json.load(_spec_file))
