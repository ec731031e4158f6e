"""What the loopback clients (tests/test_deploy.py, bench/exam_load.py) read from examsite's
pages, as a browser's script would: the form token, and on the test page the attempt, its save
token, its questions and their options."""
import re

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ATTEMPT = re.compile(r'data-attempt="(\d+)"')
SAVE_TOKEN = re.compile(r'data-save-token="([^"]+)"')
QUESTION = re.compile(r'<section class="question[^"]*" id="q-\d+" data-id="(\d+)"')
OPTION = re.compile(r'name="q-(\d+)" id="q-\d+-[A-H]" value="([A-H])"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
