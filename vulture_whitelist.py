"""Names vulture (`vulture bot vulture_whitelist.py --min-confidence 60`, in ./dev test) takes
for dead but that are used: by a library calling them by convention, by name at run time, by
the templates, or by the tests. Each line names one, with why; a name removed from the bot
must leave here too, or vulture's check loses its point.

Vulture only reads it; nothing imports or runs it (some names below are instance attributes
or a TypedDict's keys, which a class does not have). The imports let ruff check that each
class or module named still exists.
"""

# The bare attribute reads are the point (they are what vulture counts), not useless ones.
# ruff: noqa: B018

import logging

from bot.config import Settings
from bot.domain import deep_links, privacy
from bot.domain.campaigns import ActivityKind
from bot.domain.draft import Draft
from bot.domain.model import Standing
from bot.guides import text_norm
from bot.guides.glossary import GlossaryFile, Term
from bot.guides.loader import FreeNumber, FreeNumbersFile
from bot.guides.models import Guide, Source, StepLink, Topic, _Strict
from bot.reports import charts
from bot.services.web_counter import WebCounter
from bot.site.html_check import _Checker
from bot.standin.api import StandinBotApi
from bot.standin.bot_methods import BotMethods
from bot.standin.messages import MessageMethods
from bot.standin.users import SimUser
from bot.storage.assists import AssistRepository
from bot.storage.db import Database
from bot.telegram.aiohttp_request import AiohttpRequest
from bot.telegram.intake import SlotProcessor
from bot.texts import collation
from bot.texts.templates import Texts
from bot.web.http_server import HttpServer

# pydantic reads the models' configuration and calls their validators itself.
Settings.model_config  # pydantic-settings: env prefix, .env file
Settings._split_networks  # @field_validator
Settings._split_caps  # @field_validator
Settings._split_ids  # @field_validator
Settings._check_webhook_url  # @field_validator
Settings._check_webhook_secret  # @field_validator
Settings._check_url  # @field_validator
Settings._check_site_url  # @field_validator
Settings._check_username  # @field_validator
Settings._check_language  # @field_validator
Settings._check_level  # @field_validator
Settings._check_token  # @field_validator
Term.model_config  # pydantic: forbids unknown keys in glossary.yaml
GlossaryFile.model_config  # pydantic: forbids unknown keys in glossary.yaml
FreeNumber.model_config  # pydantic: forbids unknown keys in the free numbers file
FreeNumbersFile.model_config  # pydantic: forbids unknown keys in the free numbers file
_Strict.model_config  # pydantic: every guide model forbids unknown keys
StepLink._exactly_one  # @model_validator
Guide._not_reserved  # @field_validator
Guide._no_blank_items  # @field_validator
Source.checked  # a guide file's field: validated, and `guides check` shows it

# Enum members reached by value (ActivityKind("online"), a guide's `topic:` in YAML).
ActivityKind.HELP_POINT  # typed by a coordinator, stored as its value
ActivityKind.DOOR_TO_DOOR  # typed by a coordinator, stored as its value
ActivityKind.ONLINE  # typed by a coordinator, stored as its value
Topic.VNEID  # a guide's `topic:` value
Topic.PARTY_HANDBOOK  # a guide's `topic:` value
Topic.PUBLIC_SERVICES  # a guide's `topic:` value
Topic.SIGNING  # a guide's `topic:` value
Topic.SAFETY  # a guide's `topic:` value
Topic.PAYMENTS  # a guide's `topic:` value
Topic.HEALTH  # a guide's `topic:` value
Topic.TRANSPORT  # a guide's `topic:` value
Topic.COMPUTER_BASICS  # a guide's `topic:` value
Topic.UNION  # a guide's `topic:` value

# Read by the Jinja templates, which vulture does not see.
Draft.activity_title  # templates/*/assist_form.html.j2
Standing.resident  # read by the help template: {% if standing.resident %}

# A TypedDict's keys, read by the web site's script (bot/site/build.py writes them as JSON).
text_norm.SearchRules.abbreviations  # the site's search script
text_norm.SearchRules.stopwords  # the site's search script
text_norm.SearchRules.accent_fillers  # the site's search script
text_norm.SearchRules.max_words  # the site's search script

# Overrides that the standard library or python-telegram-bot calls.
_Checker.handle_starttag  # html.parser.HTMLParser calls it
_Checker.handle_startendtag  # html.parser.HTMLParser calls it
_Checker.handle_endtag  # html.parser.HTMLParser calls it
SlotProcessor.do_process_update  # telegram.ext.BaseUpdateProcessor calls it
AiohttpRequest.do_request  # telegram.request.BaseRequest calls it
logging.LogRecord.msg  # the record's field, rewritten by the redacting filter
logging.LogRecord.exc_text  # the record's field, rewritten by the redacting filter

# The stand-in Bot API answers method `X` with `_m_X`, found by name (bot/standin/api.py).
BotMethods._m_getMe  # Bot API method
BotMethods._m_getWebhookInfo  # Bot API method
BotMethods._m_setWebhook  # Bot API method
BotMethods._m_deleteWebhook  # Bot API method
BotMethods._m_getUpdates  # Bot API method
BotMethods._m_setMyCommands  # Bot API method
BotMethods._m_getMyCommands  # Bot API method
BotMethods._m_deleteMyCommands  # Bot API method
MessageMethods._m_sendMessage  # Bot API method
MessageMethods._m_sendPhoto  # Bot API method
MessageMethods._m_sendDocument  # Bot API method
MessageMethods._m_editMessageText  # Bot API method
MessageMethods._m_editMessageReplyMarkup  # Bot API method
MessageMethods._m_deleteMessage  # Bot API method
MessageMethods._m_sendChatAction  # Bot API method
MessageMethods._m_answerCallbackQuery  # Bot API method
MessageMethods._m_answerInlineQuery  # Bot API method

# The stand-in's controls for the tests (tests/test_conversation.py and the flows).
StandinBotApi.fail_next  # tests make the next call fail
StandinBotApi.pending_updates  # tests/test_intake.py, tests/test_standin.py
SimUser.button_texts  # the end-to-end tests read a screen's buttons
SimUser.send_other  # tests/test_conversation.py, tests/test_run_polling.py
SimUser.edit  # tests/test_conversation.py: an edited message
SimUser.post_inline_result  # tests/test_conversation.py: inline mode

# Used by the tests only, as a measure or a reference the bot's code is checked against.
Database.trips  # tests count round trips to the database (and bench/e2e_bench.py)
HttpServer.refused_connections  # tests/test_webhook_listener.py
HttpServer.refused_by_address  # tests/test_listener_guard.py
HttpServer.open_connections  # tests/test_listener_guard.py, tests/test_webhook_listener.py
WebCounter.refused_in  # tests/test_web_counter.py, tests/test_fail_safe.py
AssistRepository.save_assist  # the report tests write one record at a time
Texts.template_names  # tests/test_templates.py: both languages have every template
Texts.label_names  # tests/test_templates.py: both languages have every label
deep_links.RESERVED_GUIDE_IDS  # tests/test_reserved_guide_ids.py
privacy.load_or_create_key  # the storage and privacy tests make a key file
privacy.looks_like_personal_number  # tests/test_properties.py
text_norm.tokens  # tests/test_search.py
text_norm.edit_distance  # tests/test_search.py: the reference for RapidFuzz's OSA
charts.no_data_chart  # tests/test_excel_files.py
collation.sort_vietnamese  # tests/test_collation.py
