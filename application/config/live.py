"""The cached ports other parts read the config context through: the runtime settings in
force, and the texts Admins edited. Each holds its answer for a short time, and forgets it
at once when a change goes through this process."""

import logging
import threading
from collections.abc import Callable, Mapping

from application.config.app import ConfigApplication
from application.config.commands import EditText, ResetSetting, ResetText, SetSetting
from application.config.queries import MASK, LocalizationReader
from application.shared.base import Written

log = logging.getLogger(__name__)


class LiveSettings:
    """The runtime settings in force: an Admin's value, else the deployment's default."""

    def __init__(
        self,
        app: ConfigApplication,
        defaults: Mapping[str, str],
        *,
        monotonic: Callable[[], float],
        ttl_seconds: float = 5.0,
    ) -> None:
        self._app, self._defaults = app, dict(defaults)
        self._monotonic, self._ttl = monotonic, ttl_seconds
        self._values: dict[str, str] | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def value(self, key: str) -> str:
        """This function will give a setting's value in force (opened, if sensitive)."""
        with self._lock:
            now = self._monotonic()
            if self._values is None or now - self._loaded_at >= self._ttl:
                self._values, self._loaded_at = self._app.setting_values(), now
            values = self._values
        return values.get(key, self._defaults.get(key, ""))

    def set(self, cmd: SetSetting) -> Written:
        """This function will set a runtime setting and forget the cached values, so this
        process uses the new one at once (the others within the cache's time).
        Raises what ConfigApplication.set_setting raises."""
        written = self._app.set_setting(cmd)
        self.invalidate()
        entry = written.aggregate
        shown = MASK if entry.is_sensitive else entry.value
        log.info("runtime setting %s set to %r (version %d)", cmd.key, shown, written.version)
        return written

    def reset(self, cmd: ResetSetting) -> Written:
        """This function will give a setting back to its default, in force at once here.
        Raises what ConfigApplication.reset_setting raises."""
        written = self._app.reset_setting(cmd)
        self.invalidate()
        log.info("runtime setting %s reset to its default (version %d)", cmd.key, written.version)
        return written

    def invalidate(self) -> None:
        with self._lock:
            self._values = None


class EditedTexts:
    """The texts Admins edited, by name and culture (None: the code's default applies)."""

    def __init__(
        self,
        app: ConfigApplication,
        reader: LocalizationReader,
        *,
        monotonic: Callable[[], float],
        ttl_seconds: float = 5.0,
    ) -> None:
        self._app, self._reader, self._monotonic, self._ttl = app, reader, monotonic, ttl_seconds
        self._texts: dict[tuple[str, str], str] = {}
        self._position, self._loaded_at, self._loaded = 0, 0.0, False
        # A change made here: reload until the read table has reached it.
        self._wanted = 0
        self._lock = threading.Lock()

    def text(self, name: str, culture: str) -> str | None:
        with self._lock:
            now = self._monotonic()
            stale = not self._loaded or now - self._loaded_at >= self._ttl
            if stale or self._position < self._wanted:
                try:
                    self._texts, self._position = self._reader.edited()
                except Exception:  # any failure of the read side
                    # A title must never turn an answer into a 500: the code's defaults
                    # apply until the read table answers again (tried at the next expiry).
                    log.warning("edited texts unreadable; the code's defaults apply", exc_info=True)
                    self._texts, self._position = {}, self._wanted
                self._loaded_at, self._loaded = now, True
            return self._texts.get((name, culture))

    def edit(self, cmd: EditText) -> Written:
        """This function will put an Admin's text in force; this process serves it as soon
        as the read table has it. Raises what ConfigApplication.edit_text raises."""
        written = self._app.edit_text(cmd)
        self.changed(written.position)
        return written

    def reset(self, cmd: ResetText) -> Written:
        """This function will put a text's default back. Raises what
        ConfigApplication.reset_text raises."""
        written = self._app.reset_text(cmd)
        self.changed(written.position)
        return written

    def changed(self, position: int) -> None:
        """This function will make the next read wait for nothing older than `position`."""
        with self._lock:
            self._wanted = max(self._wanted, position)
