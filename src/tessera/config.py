"""Settings, read once from ``TESSERA_*`` environment variables or ``tessera.toml``.

One object is built and passed in; nothing reads the environment behind the caller's back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict, TomlConfigSettingsSource
from pydantic_settings.sources import PydanticBaseSettingsSource

DEMO_SECRET = "demo-secret-not-for-production"  # noqa: S105 - refused outside demo mode


class Settings(BaseSettings):
    """Everything Tessera can be configured with."""

    model_config = SettingsConfigDict(
        env_prefix="TESSERA_", toml_file="tessera.toml", extra="ignore"
    )

    data_dir: Path = Field(
        default=Path("tessera-data"), description="Where the embedded database and files live."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the hub store; a SQLite file in data_dir when unset.",
    )
    engine: Literal["duckdb", "spark"] = Field(
        default="duckdb", description="Analytics engine for linkage and pattern scans."
    )
    spark_master: str = Field(
        default="local[2]",
        description="With engine spark: the master URL, local[N] (N cores of this machine) or "
        "a cluster's (spark://host:7077, yarn, k8s://https://host:443).",
    )
    spark_app_name: str = Field(default="tessera", description="Spark application name.")
    spark_driver_memory: str = Field(
        default="2g", description="Spark driver memory (in local mode, all of Spark's memory)."
    )
    spark_executor_memory: str | None = Field(
        default=None, description="Memory of each Spark executor on a cluster (e.g. 8g)."
    )
    spark_conf: dict[str, str] = Field(
        default_factory=dict,
        description="Further Spark settings, e.g. {'spark.executor.cores': '4'}; they win "
        "over Tessera's own defaults (spark.sql.shuffle.partitions: 4 per local core).",
    )
    spark_scratch: Path | None = Field(
        default=None,
        description="Folder for the Parquet files handed to Spark; on a cluster, one every "
        "executor sees at the same path (a shared mount). A temporary folder when unset.",
    )
    demo: bool = Field(default=False, description="Demo mode: allows the built-in demo secret.")
    secret_key: str = Field(
        default=DEMO_SECRET, description="Server secret for sessions and tokens."
    )
    batch_size: int = Field(
        default=5000, ge=1, description="Records validated and written per database round trip."
    )
    web_threads: int = Field(
        default=8, ge=1, le=200, description="Threads of each web server process that run requests."
    )
    max_upload_mb: int = Field(
        default=512, ge=1, description="Largest file the web hub accepts as a submission, in MiB."
    )
    match_requests_per_day: int = Field(
        default=20, ge=1, le=10_000,
        description="Hit/no-hit match requests each agency may make per day (UTC), over all "
        "exchanges; past them a request is refused (HTTP 429) and the refusal audited.",
    )
    retention_days: dict[str, int] = Field(
        default_factory=dict,
        description="Retention period in days per record type (e.g. {'phone': 1825}); "
        "records older than this are purged by `tessera records purge`.",
    )

    @property
    def url(self) -> str:
        """The database URL actually used."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hub.sqlite').resolve()}"

    def require_real_secret(self) -> str:
        """The server secret, refusing the placeholder outside demo mode."""
        if self.secret_key == DEMO_SECRET and not self.demo:
            raise ValueError(
                "TESSERA_SECRET_KEY is not set: set a long random secret (or TESSERA_DEMO=1 "
                "for a demonstration hub)"
            )
        return self.secret_key

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))
