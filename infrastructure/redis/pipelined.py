"""Batches of Redis commands sent without waiting for their answers, read one batch later.

A run hands its results over every 200 results or 100 ms. Waiting for Redis to answer each
batch would hold the run's event loop for the round trip, and a writer thread (measured)
cost more in handing the interpreter back and forth than it saved. So a batch is sent, the
run goes on, and its answers are read when the next batch goes out, by which time they have
arrived. At most one batch is in flight: a Redis slower than the run holds the run back
rather than letting batches pile up in memory.
"""

from typing import Any

import redis
from redis.exceptions import NoScriptError, ResponseError

Command = tuple[Any, ...]


class PipelinedWriter:
    """One connection of its own, at most one batch of commands in flight on it.

    A connection lost with a batch in flight is opened again and the batch sent again: a
    batch holds only commands that may run twice (results are recorded once by their
    script; HSET and EXPIRE set what they set), though a log line or a live event may then
    be repeated. A script Redis forgot (a restart) is loaded again and its command resent.
    """

    def __init__(self, client: redis.Redis, scripts: dict[str, str]) -> None:
        self._pool = client.connection_pool
        self._scripts = scripts  # sha → source, for reloading
        self._connection: Any = None
        self._in_flight: list[Command] = []
        self._packed: list[bytes] = []

    def send(self, commands: list[Command]) -> None:
        """This function will read the answers of the batch before, then send this one."""
        self.wait()
        if not commands:
            return
        if self._connection is None:
            self._connection = self._pool.get_connection()
        # Packed first: a command that cannot be packed is refused before anything is sent.
        self._packed = self._connection.pack_commands(commands)
        self._in_flight = commands
        try:
            self._connection.send_packed_command(self._packed, check_health=False)
        except (redis.ConnectionError, redis.TimeoutError):
            self._reconnect_and_resend()

    def wait(self) -> None:
        """This function will read the answers of the batch in flight (raising its errors)."""
        if not self._in_flight:
            return
        try:
            try:
                failures = self._answers(len(self._in_flight))
            except (redis.ConnectionError, redis.TimeoutError):
                self._reconnect_and_resend()
                failures = self._answers(len(self._in_flight))
            for index, error in failures:
                if not isinstance(error, NoScriptError):
                    raise error
                command = self._in_flight[index]
                self._connection.send_command("SCRIPT", "LOAD", self._scripts[command[1]])
                self._connection.read_response()
                self._connection.send_command(*command)
                self._connection.read_response()
        finally:
            # Answered or failed, the batch is no longer in flight: nothing is left to read.
            self._in_flight = []

    def close(self) -> None:
        """This function will read what is in flight, then give the connection back."""
        try:
            self.wait()
        finally:
            if self._connection is not None:
                self._pool.release(self._connection)
                self._connection = None

    def _answers(self, count: int) -> list[tuple[int, ResponseError]]:
        """This function will read `count` answers, keeping the errors (every answer must
        be read, or the next batch would read this one's)."""
        failures = []
        for index in range(count):
            try:
                self._connection.read_response()
            except ResponseError as error:
                failures.append((index, error))
        return failures

    def _reconnect_and_resend(self) -> None:
        """This function will open the connection again and send the batch in flight again."""
        self._connection.disconnect()
        self._connection.send_packed_command(self._packed, check_health=False)
