import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
# Keep loggers made before the migration ran (the app's own, in tests and the CLI): by default
# fileConfig silences them, and errors with their request ids would vanish from the log.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    # Flask-SQLAlchemy 3: get_engine() is deprecated
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        if connection.dialect.name == "sqlite":
            _run_on_sqlite(connection, conf_args)
            return
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)

        with context.begin_transaction():
            context.run_migrations()


def _run_on_sqlite(connection, conf_args):
    """All steps in one transaction, with foreign keys off, checked before the commit.

    SQLite changes a table by copying it, dropping the old one and renaming the copy
    (Alembic's batch mode). With foreign keys on (the app turns them on for every connection),
    dropping ``response`` deletes every row that refers to it, ON DELETE CASCADE: answers,
    scores, profiles. So the migration turns them off (possible only outside a transaction),
    and checks every reference itself at the end; a dangling one fails the run and the
    transaction is rolled back.

    pysqlite would commit each DDL statement on its own; in autocommit mode with an explicit
    BEGIN, the whole run is one transaction, as it is on PostgreSQL: a step that refuses
    (a downgrade that would drop data) leaves the database as it was.
    """
    raw = connection.connection.driver_connection
    connection.commit()  # end anything autobegun, so the pragma is outside a transaction
    saved_isolation = raw.isolation_level
    raw.isolation_level = None  # the driver emits no BEGIN or COMMIT of its own
    try:
        raw.execute("PRAGMA foreign_keys=OFF")
        if raw.execute("PRAGMA foreign_keys").fetchone()[0] != 0:
            raise RuntimeError("could not turn SQLite foreign keys off for the migration")
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            transactional_ddl=True,
            **conf_args,
        )
        raw.execute("BEGIN IMMEDIATE")  # take the write lock now, not halfway through
        try:
            context.run_migrations()
            _check_foreign_keys(raw)
        except BaseException:
            raw.execute("ROLLBACK")
            raise
        raw.execute("COMMIT")
    finally:
        connection.rollback()  # SQLAlchemy's own bookkeeping; the driver has nothing open
        raw.isolation_level = saved_isolation
        raw.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(raw):
    dangling = raw.execute("PRAGMA foreign_key_check").fetchall()
    if dangling:
        tables = sorted({f"{row[0]} -> {row[2]}" for row in dangling})
        raise RuntimeError(
            f"Migration stopped and rolled back: {len(dangling)} row(s) refer to rows that do "
            f"not exist ({', '.join(tables)}). Nothing was changed; find them with "
            "sqlite3 <database> 'PRAGMA foreign_key_check'."
        )


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
