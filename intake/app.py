"""The running service's parts, built once from the config and passed down."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.session import make_engine, make_sessionmaker
from intake.config import Config
from intake.storage import Storage


@dataclass
class App:
    config: Config
    engine: Engine
    sessions: sessionmaker[Session]
    storage: Storage

    @classmethod
    def from_config(cls, config: Config) -> App:
        engine = make_engine(config.database.url, config.database.busy_timeout_seconds)
        return cls(config, engine, make_sessionmaker(engine), Storage(config.storage.path))

    def close(self) -> None:
        self.engine.dispose()
