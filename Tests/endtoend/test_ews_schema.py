"""scripts/ews_validate.py, the schema check behind EWSSchemaTests: it must accept a request in
Microsoft's element order and refuse the classic mistakes, or the Swift test proves nothing.
Uses ../shared/ews-schema like the Swift test; fails (never skips) when it is missing."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VALIDATOR = os.path.join(ROOT, "scripts", "ews_validate.py")
SCHEMA = os.environ.get("SMARTYSALES_EWS_SCHEMA") or os.path.normpath(os.path.join(ROOT, "..", "shared", "ews-schema"))

HEAD = ('<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"'
        ' xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"'
        ' xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">'
        '<soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></soap:Header><soap:Body>')
TAIL = "</soap:Body></soap:Envelope>"

SHAPE = "<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>"
FOLDER = '<m:SyncFolderId><t:DistinguishedFolderId Id="inbox"/></m:SyncFolderId>'
MAX = "<m:MaxChangesReturned>512</m:MaxChangesReturned>"
SCOPE = "<m:SyncScope>NormalItems</m:SyncScope>"
VIEW = '<m:IndexedPageItemView MaxEntriesReturned="50" Offset="0" BasePoint="Beginning"/>'
RESTRICTION = ('<m:Restriction><t:IsGreaterThan><t:FieldURI FieldURI="item:DateTimeReceived"/>'
               '<t:FieldURIOrConstant><t:Constant Value="2026-01-01T00:00:00Z"/></t:FieldURIOrConstant>'
               '</t:IsGreaterThan></m:Restriction>')
SORT = '<m:SortOrder><t:FieldOrder Order="Descending"><t:FieldURI FieldURI="item:DateTimeReceived"/></t:FieldOrder></m:SortOrder>'
PARENTS = '<m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds>'


def request(operation):
    return HEAD + operation + TAIL


def validate(tmp_path, documents, schema=SCHEMA):
    paths = []
    for index, document in enumerate(documents):
        path = tmp_path / f"request-{index}.xml"
        path.write_text(document, encoding="utf-8")
        paths.append(str(path))
    return subprocess.run([sys.executable, VALIDATOR, "--schema", schema] + paths, capture_output=True, text=True)


def test_schema_is_there():
    assert os.path.isfile(os.path.join(SCHEMA, "messages.xsd")), f"EWS schema missing: {SCHEMA}"


def test_requests_in_schema_order_pass(tmp_path):
    result = validate(tmp_path, [
        request(f"<m:SyncFolderItems>{SHAPE}{FOLDER}{MAX}{SCOPE}</m:SyncFolderItems>"),
        request(f"<m:SyncFolderItems>{SHAPE}{FOLDER}<m:SyncState>H4sI</m:SyncState>{MAX}{SCOPE}</m:SyncFolderItems>"),
        request(f'<m:FindItem Traversal="Shallow">{SHAPE}{VIEW}{RESTRICTION}{SORT}{PARENTS}</m:FindItem>'),
    ])
    assert result.returncode == 0, result.stdout + result.stderr


def test_wrong_child_order_is_refused(tmp_path):
    documents = {
        "MaxChangesReturned": request(f"<m:SyncFolderItems>{SHAPE}{MAX}{FOLDER}{SCOPE}</m:SyncFolderItems>"),
        "SyncState": request(f"<m:SyncFolderItems>{SHAPE}{FOLDER}{MAX}<m:SyncState>H4sI</m:SyncState></m:SyncFolderItems>"),
        "Restriction": request(f'<m:FindItem Traversal="Shallow">{SHAPE}{VIEW}{SORT}{RESTRICTION}{PARENTS}</m:FindItem>'),
        "InReplyTo": request(
            '<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:Message><t:Subject>s</t:Subject>'
            "<t:ToRecipients><t:Mailbox><t:EmailAddress>a@b.ru</t:EmailAddress></t:Mailbox></t:ToRecipients>"
            "<t:InReplyTo>&lt;x@y&gt;</t:InReplyTo></t:Message></m:Items></m:CreateItem>"),
    }
    result = validate(tmp_path, list(documents.values()))
    assert result.returncode == 1
    # One report block per file, in the order given: "INVALID path" and its indented reasons.
    blocks = result.stdout.split("INVALID ")[1:]
    assert len(blocks) == len(documents), result.stdout
    for misplaced, block in zip(documents, blocks):
        assert misplaced in block, f"{misplaced} out of order was not the reason:\n{block}"


def test_unknown_field_uri_and_server_version_are_refused(tmp_path):
    result = validate(tmp_path, [
        request('<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>'
                '<t:FieldURI FieldURI="message:Referencez"/></t:AdditionalProperties></m:ItemShape>'
                '<m:ItemIds><t:ItemId Id="A"/></m:ItemIds></m:GetItem>'),
        request(f"<m:SyncFolderItems>{SHAPE}{FOLDER}{MAX}</m:SyncFolderItems>").replace("Exchange2013_SP1", "Exchange2013SP1"),
    ])
    assert result.returncode == 1
    assert result.stdout.count("INVALID") == 2


def test_envelope_problems_are_refused(tmp_path):
    result = validate(tmp_path, [
        "<html><body>sign in</body></html>",
        HEAD + "<m:SyncFolderItems>",
        request(f"<m:SyncFolderItems>{SHAPE}{FOLDER}{MAX}</m:SyncFolderItems>").replace(
            '<soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></soap:Header>', ""),
    ])
    assert result.returncode == 1
    assert result.stdout.count("INVALID") == 3


def test_missing_schema_fails_naming_the_path(tmp_path):
    missing = str(tmp_path / "no-schema-here")
    result = validate(tmp_path, [request(f"<m:SyncFolderItems>{SHAPE}{FOLDER}{MAX}</m:SyncFolderItems>")], schema=missing)
    assert result.returncode == 2
    assert os.path.join(missing, "messages.xsd") in result.stderr
