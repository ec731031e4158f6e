"""examsite: online 纪法知识测试 for discipline-inspection offices."""
from flask import Flask, render_template

from . import config as config_module
from . import formatting
from . import security
from .clock import now, to_local
from .exams.gate import AutosaveGate
from .extensions import bootstrap, csrf, db, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; configuration comes from the environment, or ``test_config`` in tests."""
    app = Flask(__name__, instance_relative_config=True)
    test_config = test_config or {}
    app.config.from_mapping(
        config_module.from_environment(app.instance_path, test_config.get("SECRET_KEY"))
    )
    if test_config:
        app.config.update(test_config)

    security.init_app(app)  # headers, no-store, bounded integers (before the routes)
    _init_extensions(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_error_pages(app)
    from . import faults  # database faults answer 503; one log line per failed request
    faults.init_app(app)
    _register_commands(app)
    app.wsgi_app = AutosaveGate(app)
    app.wsgi_app = security.behind_proxies(app)  # outermost: ProxyFix, Secure cookies over HTTPS
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_project_path("migrations")))
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"


def _register_blueprints(app: Flask) -> None:
    from .accounts.manage_views import bp as users_bp
    from .accounts.views import bp as accounts_bp
    from .audit.views import bp as audit_bp
    from .banks.views import bp as banks_bp
    from .campaigns.makeup_views import bp as makeups_bp
    from .campaigns.report_views import bp as reports_bp
    from .campaigns.views import bp as campaigns_bp
    from .exams.taking import bp as take_bp
    from .exams.views import bp as exams_bp
    from .main.views import bp as main_bp
    from .roster.views import bp as roster_bp
    from .notices.views import bp as notices_bp
    from .results.views import bp as results_bp
    from .sampling.views import bp as draws_bp

    for bp in (main_bp, accounts_bp, roster_bp, banks_bp, exams_bp, take_bp, draws_bp, audit_bp, results_bp,
               notices_bp, users_bp, campaigns_bp, reports_bp, makeups_bp):
        app.register_blueprint(bp)


def _register_template_helpers(app: Flask) -> None:
    @app.template_filter("localtime")
    def localtime(moment, fmt="%Y-%m-%d %H:%M"):
        local = to_local(moment)
        return local.strftime(fmt) if local else ""

    app.jinja_env.globals["now_utc"] = now  # the one clock (frozen in tests)
    app.add_template_filter(formatting.percent, "percent")
    app.add_template_filter(formatting.points, "points")


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: "请求无效，请返回上一页重试。",
        403: "您没有权限访问此页面。",
        404: "页面不存在。",
        413: "上传的文件太大，超过了 {limit} MB 的限制。",
        500: "服务器出错了，请稍后再试。",
    }

    def handler(error):
        code = getattr(error, "code", 500) or 500
        message = messages.get(code, messages[500]).format(limit=app.config["UPLOAD_LIMIT_MB"])
        return render_template("errors/error.html", code=code, message=message), code

    for code in messages:
        app.register_error_handler(code, handler)

    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = "页面已过期或来源无效（CSRF 校验失败），请刷新页面后重试。"
        return render_template("errors/error.html", code=400, message=message), 400


def _register_commands(app: Flask) -> None:
    from .accounts.cli import user_cli
    from .banks.cli import bank_cli
    from .exams.cli import exam_cli
    from .results.cli import results_cli
    from .roster.cli import roster_cli
    from .sampling.cli import sample_cli
    from .demo import demo_command

    app.cli.add_command(user_cli)
    app.cli.add_command(bank_cli)
    app.cli.add_command(exam_cli)
    app.cli.add_command(sample_cli)
    app.cli.add_command(results_cli)
    app.cli.add_command(roster_cli)
    app.cli.add_command(demo_command)


def _project_path(name: str):
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / name
