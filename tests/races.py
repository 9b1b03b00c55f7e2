"""Two people acting on the same record at once: the moves run in threads released together."""

import threading

from django.db import connection


def race(*moves):
    """Run the moves in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(moves))
    results = [None] * len(moves)

    def run(i, move):
        try:
            barrier.wait()
            results[i] = move()
        except Exception as exc:  # the loser's refusal is the point of the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, m)) for i, m in enumerate(moves)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results
