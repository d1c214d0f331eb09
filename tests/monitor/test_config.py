"""Monitoring configs: every key of SPEC section 7 read into typed values, and each mistake
one line naming the file, the line and the key, with no secret in it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from driftscope.alerts.rules import effective_rules
from driftscope.errors import ConfigError
from driftscope.monitor import (
    EmailChannel,
    LogChannel,
    MonitorConfig,
    PagerDutyChannel,
    SlackChannel,
    WebhookChannel,
    Window,
    load_config,
    parse_config,
)

SPEC_CONFIG = """\
project: fraud-model
reference: data/reference.parquet
logs:
  path: logs/
columns:
  timestamp: ts
  id: request_id
  target: is_fraud
  prediction: label
  probability: score
  features: [amount, country, device]
  kpis: [converted]
window: 1d
store: sqlite:///driftscope.db
checks:
  method: {amount: psi}
  fail_on: major
alerts:
  channels:
    team-slack: {type: slack, url: "${SLACK_WEBHOOK_URL}"}
    oncall: {type: pagerduty, routing_key: "${PD_ROUTING_KEY}"}
    hook: {type: webhook, url: "https://hooks.example.org/x", secret: "${HOOK_SECRET}"}
    mail: {type: email, host: localhost, port: 25, from: a@b.c, to: [x@b.c]}
    audit: {type: log, path: alerts.jsonl}
  rules:
    - name: feature-psi
      metric: psi
      columns: "*"
      above: 0.25
      for: 1
      severity: warning
      channels: [team-slack]
      cooldown: 6h
"""
ENV = {
    "SLACK_WEBHOOK_URL": "https://hooks.slack.example/T000/B000/s3cr3t-slack",
    "PD_ROUTING_KEY": "pd-s3cr3t-key",
    "HOOK_SECRET": "hmac-s3cr3t",
}
MINIMAL = "project: p\nreference: ref.csv\nlogs: {path: logs}\ncolumns: {timestamp: ts}\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "reference.parquet").touch()
    (tmp_path / "ref.csv").touch()
    return tmp_path


def _load(folder: Path, text: str, env: dict[str, str] | None = None) -> MonitorConfig:
    path = folder / "driftscope.yaml"
    path.write_text(text)
    return load_config(path, env=ENV if env is None else env)


def _error(folder: Path, text: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        _load(folder, text, env)
    message = str(info.value)
    assert "\n" not in message
    return message.replace(str(folder / "driftscope.yaml"), "FILE")


def test_the_spec_example_reads_every_key_into_typed_values(folder):
    config = _load(folder, SPEC_CONFIG)
    assert config.project == "fraud-model"
    assert config.reference == folder / "data" / "reference.parquet"
    assert config.logs.path == str(folder / "logs")
    assert config.logs.sql is None
    columns = config.columns
    assert (columns.timestamp, columns.id, columns.target) == ("ts", "request_id", "is_fraud")
    assert (columns.prediction, columns.probability) == ("label", "score")
    assert columns.features == ("amount", "country", "device")
    assert columns.kpis == ("converted",)
    assert config.window == Window(seconds=86_400)
    assert config.store == f"sqlite:///{folder}/driftscope.db"
    assert config.checks.fail_on == "major"
    assert config.checks.options.column("amount").methods == ("psi",)
    channels = config.alerts.channels
    assert isinstance(channels["team-slack"], SlackChannel)
    assert channels["team-slack"].url.get_secret_value() == ENV["SLACK_WEBHOOK_URL"]
    assert isinstance(channels["oncall"], PagerDutyChannel)
    assert channels["oncall"].routing_key.get_secret_value() == ENV["PD_ROUTING_KEY"]
    assert channels["oncall"].url == "https://events.pagerduty.com/v2/enqueue"
    hook = channels["hook"]
    assert isinstance(hook, WebhookChannel)
    assert hook.secret is not None
    assert hook.secret.get_secret_value() == ENV["HOOK_SECRET"]
    mail = channels["mail"]
    assert isinstance(mail, EmailChannel)
    assert (mail.host, mail.port, mail.from_, mail.to, mail.starttls) == (
        "localhost", 25, "a@b.c", ("x@b.c",), False
    )  # fmt: skip
    assert channels["audit"] == LogChannel(type="log", path=folder / "alerts.jsonl")
    (rule,) = config.alerts.rules
    assert (rule.name, rule.metric, rule.columns, rule.above, rule.below) == (
        "feature-psi", "psi", "*", 0.25, None
    )  # fmt: skip
    assert (rule.for_, rule.severity, rule.channels) == (1, "warning", ("team-slack",))
    assert rule.cooldown == timedelta(hours=6)
    assert rule.dedup is None


def test_defaults_and_the_other_forms(folder):
    config = _load(folder, MINIMAL)
    assert config.window == Window(seconds=86_400)
    assert config.store == f"sqlite:///{folder}/driftscope.db"
    assert config.alerts.channels == {}
    assert config.alerts.rules == ()
    assert config.checks.fail_on is None
    assert config.columns.features is None
    other = _load(
        folder,
        "project: p\nreference: ref.csv\n"
        "logs: {sql: {url: 'postgresql+psycopg://u:${PW}@db/x', query: 'SELECT 1'}}\n"
        "columns: {timestamp: ts, probability: {good: p_good, bad: p_bad}}\n"
        "window: 50000 rows\nstore: postgresql+psycopg://monitor@db/monitoring\n"
        "alerts:\n  channels: {}\n  rules:\n"
        "    - {name: r, metric: accuracy, columns: [a, b], below: 0.8, for: 3,"
        " severity: critical, cooldown: 2w, dedup: acc}\n",
        env={"PW": "pw"},
    )
    assert other.logs.sql is not None
    assert other.logs.sql.url.get_secret_value() == "postgresql+psycopg://u:pw@db/x"
    assert other.logs.sql.query == "SELECT 1"
    assert other.columns.probability == {"good": "p_good", "bad": "p_bad"}
    assert other.window == Window(rows=50_000)
    assert other.store == "postgresql+psycopg://monitor@db/monitoring"
    (rule,) = other.alerts.rules
    assert (rule.columns, rule.below, rule.for_, rule.severity, rule.dedup) == (
        ("a", "b"), 0.8, 3, "critical", "acc"
    )  # fmt: skip
    assert rule.cooldown == timedelta(weeks=2)
    assert rule.channels == ()


def test_an_empty_section_is_a_section_not_given(folder):
    config = _load(folder, MINIMAL + "checks:\nalerts:\n")
    assert config.alerts.rules == ()
    assert config.checks.fail_on is None


def test_checks_take_the_command_line_spellings_too(folder):
    config = _load(folder, MINIMAL + "checks: {method: ks, threshold: 0.1, id: rid}\n")
    options = config.checks.options
    assert (options.methods, options.thresholds, options.id_column) == ("ks", 0.1, "rid")
    message = _error(folder, MINIMAL + "checks:\n  method: ks\n  methods: psi\n")
    assert (
        message
        == "FILE, line 7: checks.methods: 'method' and 'methods' are the same option; give one"
    )


def test_the_config_is_frozen(folder):
    config = _load(folder, MINIMAL)
    with pytest.raises(ValueError, match="frozen"):
        config.project = "other"  # type: ignore[misc]


def test_parse_config_resolves_against_the_folder_given(folder):
    config = parse_config(MINIMAL, "inline.yaml", folder, env={})
    assert config.reference == folder / "ref.csv"
    with pytest.raises(ConfigError, match=r"^inline\.yaml, line 2: reference: no file"):
        parse_config(MINIMAL, "inline.yaml", folder / "data", env={})


RULE = "alerts:\n  channels: {log: {type: log, path: a.jsonl}}\n  rules:\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            MINIMAL + "colums: {id: x}\n",
            "FILE, line 5: colums: unknown key 'colums'; expected one of alerts, checks, "
            "columns, detectors, labels, logs, mlflow, project, reference, store, window",
            id="misspelt_top_level_key",
        ),
        pytest.param(
            MINIMAL + RULE + "    - name: r\n      metric: psi\n      abov: 0.2\n",
            "FILE, line 10: alerts.rules[0].abov: unknown key 'abov'; expected one of above, "
            "all, below, channels, columns, cooldown, dedup, for, metric, name, severity",
            id="misspelt_rule_key",
        ),
        pytest.param(
            MINIMAL.replace("{timestamp: ts}", "{timestamp: ts, feature: [a]}"),
            "FILE, line 4: columns.feature: unknown key 'feature'; expected one of features, "
            "id, kpis, prediction, probability, target, timestamp",
            id="misspelt_column_key",
        ),
        pytest.param(
            MINIMAL + "window: 3\n",
            "FILE, line 5: window: must be a duration such as 1h, 6h, 1d or 7d, or "
            "'50000 rows'; got 3",
            id="window_not_text",
        ),
        pytest.param(
            MINIMAL + "window: 3x\n",
            "FILE, line 5: window: must be a duration such as 30m, 1h, 6h, 1d or 7d, or a "
            "number of rows such as '50000 rows'; got '3x'",
            id="bad_window",
        ),
        pytest.param(
            MINIMAL + RULE + '    - {name: r, metric: psi, above: 1, for: "x"}\n',
            "FILE, line 8: alerts.rules[0].for: must be a whole number; got 'x'",
            id="for_not_a_number",
        ),
        pytest.param(
            MINIMAL + RULE + "    - {name: r, metric: psi, above: 1, for: 0}\n",
            "FILE, line 8: alerts.rules[0].for: must be >= 1; got 0",
            id="for_below_one",
        ),
        pytest.param(
            MINIMAL + RULE + "    - name: r\n      metric: psi\n      above: 1\n      below: 0\n",
            "FILE, line 8: alerts.rules[0]: give exactly one of 'above' and 'below'",
            id="above_and_below",
        ),
        pytest.param(
            MINIMAL + RULE + "    - name: r\n      metric: psi\n      above: 1\n"
            "      channels: [log, slack]\n",
            "FILE, line 11: alerts.rules[0].channels[1]: channel 'slack' is not among "
            "alerts.channels (log)",
            id="unknown_channel",
        ),
        pytest.param(
            MINIMAL + RULE + "    - {name: r, metric: psi, above: 1, severity: huge}\n",
            "FILE, line 8: alerts.rules[0].severity: must be one of 'info', 'warning', "
            "'error' or 'critical'; got 'huge'",
            id="bad_severity",
        ),
        pytest.param(
            MINIMAL + RULE + "    - {name: r, metric: psi, above: 1, cooldown: soon}\n",
            "FILE, line 8: alerts.rules[0].cooldown: must be a duration such as 30m, 1h, 6h, "
            "1d or 7d; got 'soon'",
            id="bad_cooldown",
        ),
        pytest.param(
            MINIMAL + RULE + "    - {name: r, metric: psi, above: 1, columns: 3}\n",
            "FILE, line 8: alerts.rules[0].columns: must be '*' or a list of column names; got 3",
            id="rule_columns_wrong_type",
        ),
        pytest.param(
            MINIMAL.replace("project: p", "project: Fraud Model"),
            "FILE, line 1: project: must be lower-case letters, digits, '-' and '_' "
            "([a-z0-9_-]+); got 'Fraud Model'",
            id="bad_project_name",
        ),
        pytest.param(
            MINIMAL + "checks: {fail_on: huge}\n",
            "FILE, line 5: checks.fail_on: must be one of drift, quality, any, warning, "
            "major; got 'huge'",
            id="bad_fail_on",
        ),
        pytest.param(
            MINIMAL + "checks:\n  correction: bh\n  share_threshold: 2\n",
            "FILE, line 7: checks.share_threshold: compare: parameter 'share_threshold' must "
            "be a number in [0, 1]; got 2",
            id="bad_compare_option",
        ),
        pytest.param(
            MINIMAL + "checks:\n  metod: {a: psi}\n",
            "FILE, line 6: checks.metod: unknown key 'metod'; expected one of",
            id="unknown_compare_option",
        ),
        pytest.param(
            MINIMAL + "window: 1d\nwindow: 6h\n",
            "FILE, line 6: key 'window' is given twice (first on line 5)",
            id="duplicate_key",
        ),
        pytest.param(
            MINIMAL.replace("{timestamp: ts}", "{id: request_id}"),
            "FILE, line 4: columns.timestamp: is required",
            id="missing_timestamp",
        ),
        pytest.param(
            "project: p\nreference: ref.csv\nlogs: {}\ncolumns: {timestamp: ts}\n",
            "FILE, line 3: logs: give exactly one of 'path' (a file, folder or glob) and 'sql'",
            id="empty_logs",
        ),
        pytest.param(
            MINIMAL.replace("{path: logs}", "{path: logs, sql: {url: x, table: t}}"),
            "FILE, line 3: logs: give exactly one of 'path' (a file, folder or glob) and 'sql'",
            id="two_log_sources",
        ),
        pytest.param(
            MINIMAL.replace("ref.csv", "missing.csv"),
            "FILE, line 2: reference: no file, folder or glob match at {folder}/missing.csv; "
            "create it or fix the path; got 'missing.csv'",
            id="reference_not_found",
        ),
        pytest.param(
            MINIMAL + "store: mysql://db/x\n",
            "FILE, line 5: store: must be a sqlite:///FILE or postgresql+psycopg://USER@HOST/DB "
            "URL; got 'mysql://db/x'",
            id="unsupported_store",
        ),
        pytest.param(
            MINIMAL + "alerts:\n  channels:\n    x: {type: sms, url: u}\n",
            "FILE, line 7: alerts.channels.x.type: must be one of 'slack', 'pagerduty', "
            "'webhook', 'email', 'log'; got 'sms'",
            id="unknown_channel_type",
        ),
        pytest.param(
            MINIMAL + "alerts:\n  channels:\n    x: {url: u}\n",
            "FILE, line 7: alerts.channels.x: a channel needs a 'type': one of slack, "
            "pagerduty, webhook, email, log",
            id="channel_without_type",
        ),
        pytest.param(
            MINIMAL + "alerts:\n  channels:\n    m: {type: email, host: h, from: a, to: []}\n",
            "FILE, line 7: alerts.channels.m.to: must not be empty",
            id="email_without_recipients",
        ),
    ],
)
def test_each_mistake_is_one_line_naming_file_line_and_key(folder, text, expected):
    message = _error(folder, text)
    expected = expected.replace("{folder}", str(folder))
    assert message.startswith(expected), message


def test_an_unset_variable_is_named_with_its_file_and_line(folder):
    text = MINIMAL + "alerts:\n  channels:\n    s: {type: slack, url: '${SLACK_URL}'}\n"
    assert _error(folder, text, env={}) == (
        "FILE, line 7: alerts.channels.s.url: environment variable SLACK_URL is not set; "
        "export it or write the value in the file"
    )


def test_variables_are_substituted_inside_text_and_dollar_dollar_escapes(folder):
    text = MINIMAL.replace("{path: logs}", "{path: '${ROOT}/logs-$${X}'}")
    config = _load(folder, text, env={"ROOT": "/data"})
    assert config.logs.path == "/data/logs-${X}"


def test_a_substituted_value_in_error_is_named_by_its_variable_not_shown(folder):
    text = MINIMAL + "window: ${WINDOW}\n"
    assert _error(folder, text, env={"WINDOW": "a-secret"}).endswith("; got the value of ${WINDOW}")


SECRET_CHANNELS = """\
alerts:
  channels:
    hook: {type: webhook, url: "${HOOK_URL}", secret: "${HOOK_SECRET}"}
    slack: {type: slack, url: "${SLACK_WEBHOOK_URL}"}
    pd: {type: pagerduty, routing_key: "${PD_ROUTING_KEY}"}
    mail: {type: email, host: h, from: a, to: [b], password: "${SMTP_PASSWORD}"}
"""
SECRETS = {
    "HOOK_URL": "https://hooks.example.org/very-secret-path",
    "HOOK_SECRET": "hmac-s3cr3t",
    "SLACK_WEBHOOK_URL": "https://hooks.slack.example/T0/B0/slack-s3cr3t",
    "PD_ROUTING_KEY": "pd-s3cr3t",
    "SMTP_PASSWORD": "smtp-s3cr3t",
}


def test_secrets_never_appear_in_repr_or_str(folder):
    config = _load(folder, MINIMAL + SECRET_CHANNELS, env=SECRETS)
    shown = repr(config) + str(config) + repr(config.alerts) + str(config.alerts.channels)
    for secret in SECRETS.values():
        assert secret not in shown


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(("secret: ", "secret: 3, color: "), id="unknown_key_beside_secrets"),
        pytest.param(("type: webhook", "type: hook"), id="bad_type_beside_secrets"),
        pytest.param(("password: ", "port: x, password: "), id="bad_port_beside_password"),
        pytest.param(("routing_key: ", "url: 3, routing_key: "), id="bad_url_beside_key"),
        pytest.param(('secret: "${HOOK_SECRET}"', "secret: [1]"), id="bad_secret_type"),
        pytest.param(('url: "${SLACK_WEBHOOK_URL}"', 'url: "${SLACK_WEBHOOK_URL}", x: 1'),
                     id="unknown_key_beside_slack_url"),
    ],
)  # fmt: skip
def test_an_error_about_another_key_never_shows_a_secret(folder, broken):
    old, new = broken
    message = _error(folder, MINIMAL + SECRET_CHANNELS.replace(old, new, 1), env=SECRETS)
    for secret in SECRETS.values():
        assert secret not in message


def test_a_mistyped_secret_is_not_echoed_even_when_written_in_the_file(folder):
    text = MINIMAL + "alerts:\n  channels:\n    s: {type: slack, url: [https://x/secret]}\n"
    assert "secret" not in _error(folder, text).split("url:", 1)[1]


def test_a_postgres_password_is_masked_for_display(folder):
    config = _load(folder, MINIMAL + "store: postgresql+psycopg://me:${PW}@db/m\n", {"PW": "pw9"})
    assert config.store == "postgresql+psycopg://me:pw9@db/m"
    assert config.store_display == "postgresql+psycopg://me:***@db/m"
    assert "pw9" not in repr(config)


def test_an_empty_file_and_a_list_are_config_errors(folder):
    assert _error(folder, "") == "FILE: the file is empty"
    assert _error(folder, "- a\n").startswith("FILE, line 1: the top level must be a mapping")


def test_a_number_given_through_a_variable_is_read_as_a_number(folder):
    text = (
        MINIMAL
        + "alerts:\n  channels:\n    m: {type: email, host: h, port: '${PORT}', from: a, to: [b]}\n"
    )
    mail = _load(folder, text, env={"PORT": "2525"}).alerts.channels["m"]
    assert isinstance(mail, EmailChannel)
    assert mail.port == 2525


def test_a_sql_url_is_a_secret(folder):
    text = MINIMAL.replace("{path: logs}", "{sql: {url: '${DB}', table: t, tabel: u}}")
    message = _error(folder, text, env={"DB": "postgresql://u:pw-s3cr3t@db/x"})
    assert message.startswith("FILE, line 3: logs.sql.tabel: unknown key 'tabel'")
    assert "s3cr3t" not in message
    config = _load(
        folder, text.replace(", tabel: u", ""), env={"DB": "postgresql://u:pw-s3cr3t@db/x"}
    )
    assert "s3cr3t" not in repr(config)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", "must be a number; got True"),
        (".nan", "must be a finite number; got nan"),
        ("'0.25'", None),
        ("3", None),
    ],
    ids=["boolean", "nan", "number_as_text", "whole_number"],
)
def test_a_threshold_is_a_finite_number_never_a_boolean(folder, value, expected):
    text = MINIMAL + RULE + f"    - {{name: r, metric: psi, above: {value}}}\n"
    if expected is None:
        (rule,) = _load(folder, text).alerts.rules
        assert rule.above == float(value.strip("'"))
    else:
        assert _error(folder, text) == f"FILE, line 8: alerts.rules[0].above: {expected}"


def test_a_check_that_repeats_a_variables_value_shows_the_variable_instead(folder):
    text = MINIMAL + "checks: {correction: '${CORRECTION}'}\n"
    message = _error(folder, text, env={"CORRECTION": "token-s3cr3t"})
    assert "s3cr3t" not in message
    assert "${CORRECTION}" in message


def test_of_several_mistakes_the_first_in_the_file_is_reported(folder):
    text = MINIMAL.replace("project: p", "project: P") + "window: 3x\n"
    assert _error(folder, text).startswith("FILE, line 1: project:")
    listed = MINIMAL + RULE + "    - {name: r, metric: psi, above: 1, columns: [a, 3]}\n"
    assert _error(folder, listed) == "FILE, line 8: alerts.rules[0].columns[1]: must be text; got 3"


COMPOSITE = """\
    - name: page
      all:
        - {metric: severity, columns: [amount], above: 1.5}
        - {metric: performance_drop, below: 0.5}
      severity: critical
      channels: [log]
      dedup: "{project}:{rule}"
"""


def test_a_composite_rule_reads_its_conditions(folder):
    (rule,) = _load(folder, MINIMAL + RULE + COMPOSITE).alerts.rules
    assert rule.composite
    assert (rule.metric, rule.above, rule.below) == (None, None, None)
    assert [(c.metric, c.columns, c.limit) for c in rule.conditions] == [
        ("severity", ("amount",), (1.5, "above")),
        ("performance_drop", "*", (0.5, "below")),
    ]
    assert (rule.severity, rule.channels, rule.dedup_template) == (
        "critical", ("log",), "{project}:{rule}"
    )  # fmt: skip
    (simple,) = _load(folder, SPEC_CONFIG).alerts.rules
    assert not simple.composite
    assert [(c.metric, c.columns, c.limit) for c in simple.conditions] == [
        ("psi", "*", (0.25, "above"))
    ]
    assert simple.dedup_template == "{project}/{rule}/{column}"


@pytest.mark.parametrize(
    ("alerts", "names", "key_features"),
    [
        ("", ["drift-warning", "drift-major-performance"], None),
        ("alerts:\n  key_features: [amount, device]\n",
         ["drift-warning", "drift-major-performance"], ("amount", "device")),
        ("alerts:\n  rules:\n", ["drift-warning", "drift-major-performance"], None),
        ("alerts:\n  rules: []\n", [], None),
        (RULE + "    - {name: r, metric: psi, above: 1}\n", ["r"], None),
    ],
    ids=["no_alerts", "key_features", "rules_left_empty", "no_rules", "rules_given"],
)  # fmt: skip
def test_the_built_in_tiers_apply_unless_rules_are_given(folder, alerts, names, key_features):
    config = _load(folder, MINIMAL + alerts).alerts
    assert config.key_features == key_features
    rules = effective_rules(config)
    assert [rule.name for rule in rules] == names
    if names and names[0] == "drift-warning":
        assert rules[0].columns == (key_features or "*")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            RULE
            + "    - name: r\n      metric: psi\n      all:\n        - {metric: ks, above: 1}\n",
            "FILE, line 9: alerts.rules[0].metric: a composite rule gives 'metric' in each "
            "condition of 'all', not beside it",
            id="composite_with_metric",
        ),
        pytest.param(
            RULE + "    - name: r\n      all:\n        - {metric: ks, above: 1}\n"
            "      columns: [a]\n",
            "FILE, line 11: alerts.rules[0].columns: a composite rule gives 'columns' in each "
            "condition of 'all', not beside it",
            id="composite_with_columns",
        ),
        pytest.param(
            RULE + "    - name: r\n      all:\n        - {metric: psi, above: 1}\n"
            "        - {metric: ks, abov: 1}\n",
            "FILE, line 11: alerts.rules[0].all[1].abov: unknown key 'abov'; expected one of "
            "above, below, columns, metric",
            id="unknown_key_inside_all",
        ),
        pytest.param(
            RULE + "    - name: r\n      all:\n        - {metric: psi, above: 1, below: 2}\n",
            "FILE, line 10: alerts.rules[0].all[0]: give exactly one of 'above' and 'below'",
            id="condition_with_above_and_below",
        ),
        pytest.param(
            RULE + "    - name: r\n      all: []\n",
            "FILE, line 9: alerts.rules[0].all: must not be empty",
            id="empty_all",
        ),
        pytest.param(
            RULE + "    - name: r\n      all: {metric: psi, above: 1}\n",
            "FILE, line 9: alerts.rules[0].all: must be a list",
            id="all_not_a_list",
        ),
        pytest.param(
            RULE + "    - name: r\n      above: 1\n",
            "FILE, line 8: alerts.rules[0].metric: is required: a rule gives 'metric' with "
            "'above' or 'below', or 'all' (a list of such conditions)",
            id="neither_metric_nor_all",
        ),
        pytest.param(
            RULE + "    - {name: r, metric: psi, above: 1, dedup: '{project}/{col}'}\n",
            "FILE, line 8: alerts.rules[0].dedup: unknown placeholder {col}; use {project}, "
            "{rule} and {column} (a literal brace is written {{ or }}); got '{project}/{col}'",
            id="unknown_dedup_placeholder",
        ),
        pytest.param(
            RULE + "    - {name: r, metric: psi, above: 1, dedup: '{project'}\n",
            "FILE, line 8: alerts.rules[0].dedup: a brace is not closed",
            id="dedup_brace_not_closed",
        ),
        pytest.param(
            "alerts:\n  key_features: amount\n",
            "FILE, line 6: alerts.key_features: must be a list; got 'amount'",
            id="key_features_not_a_list",
        ),
        pytest.param(
            "alerts:\n  key_features: []\n",
            "FILE, line 6: alerts.key_features: must not be empty",
            id="key_features_empty",
        ),
        pytest.param(
            "alerts:\n  key_features:\n    - amount\n    - 3\n",
            "FILE, line 8: alerts.key_features[1]: must be text; got 3",
            id="key_feature_not_text",
        ),
    ],
)
def test_each_alert_rule_mistake_is_one_line_naming_file_line_and_key(folder, text, expected):
    assert _error(folder, MINIMAL + text).startswith(expected)


def test_a_relative_sqlite_logs_url_is_beside_the_file(tmp_path: Path) -> None:
    (tmp_path / "ref.parquet").write_bytes(b"")
    text = (
        "project: p\nreference: ref.parquet\n"
        'logs: {sql: {url: "sqlite:///logs.db", table: inference}}\n'
        "columns: {timestamp: ts}\n"
    )
    config = parse_config(text, "d.yaml", base_dir=tmp_path, env={})
    assert config.logs.sql is not None
    assert config.logs.sql.url.get_secret_value() == f"sqlite:///{tmp_path / 'logs.db'}"


def test_base_url_must_be_an_http_address(tmp_path: Path) -> None:
    (tmp_path / "ref.parquet").write_bytes(b"")
    text = (
        "project: p\nreference: ref.parquet\nlogs: {path: logs/}\n"
        "columns: {timestamp: ts}\nalerts: {base_url: dashboard}\n"
    )
    with pytest.raises(ConfigError, match=r"line 5: alerts.base_url: "):
        parse_config(text, "d.yaml", base_dir=tmp_path, env={})
