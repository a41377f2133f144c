"""A Python client of the Swift manager started by `swift run example-remote`.

It reads, from standard input, the manager's authkey and a pickled proxy of the manager's shared queue (a Swift
program passes proxies to a Python process exactly as a Python parent passes them to its children), then puts
five greetings on the queue, as the client in Python's "Using a remote manager" example does:

    m = QueueManager(address=('foo.bar.org', 50000), authkey=b'abracadabra')
    m.connect()
    queue = m.get_queue()
    queue.put('hello')
"""
import multiprocessing
import pickle
import sys

authkey = bytes.fromhex(sys.stdin.readline().strip())
multiprocessing.current_process().authkey = authkey
queue = pickle.loads(bytes.fromhex(sys.stdin.readline().strip()))

for number in range(5):
    queue.put(f'hello {number} from Python')
print('Python client: put 5 greetings', flush=True)
