"""HTML pages in the structure of Huawei's documentation pages, built from a table's rows.

Huawei's doc pages (support.huaweicloud.com) wrap the content in site navigation and a
breadcrumb, show the topic title as an ``h1``, an "Updated on ... GMT+08:00" line (更新时间 on
Chinese pages), notes, then the table inside ``div.tablenoborder``: a ``thead`` of ``th`` cells
holding ``p`` elements and a ``tbody`` whose scenario and sub-scenario cells span their group
with ``rowspan``; a feedback form follows. A constructed page, not a copy of Huawei's: built
from rows we already hold (a seed page read by the text importer), so importing it must give
back exactly the same table.
"""

from __future__ import annotations

import html
import zlib
from collections.abc import Sequence

from permtable.editions.page import Cell, PageTable, RawRow

HEADERS = {
    ("partner", "en"): ("Scenario", "Sub-Scenario", "API Description", "URL", "Action", "Path"),
    ("partner", "zh"): ("场景", "子场景", "接口名称", "接口URL", "权限点", "菜单路径"),
    ("customer", "zh"): ("场景", "子场景", "接口名称", "接口URL", "权限码", "权限项名称"),
    ("customer", "en"): ("Scenario", "Sub-Scenario", "API", "URL", "Permission Code", "Supported Action"),
}
_UPDATED = {"en": "Updated on {date} GMT+08:00", "zh": "更新时间:{date} GMT+08:00"}
_FEEDBACK = {
    "en": "Feedback Was this page helpful? Provide feedback Thank you very much for your feedback.",
    "zh": "意见反馈 文档内容是否对您有帮助? 提交成功!非常感谢您的反馈,我们会继续努力做到更好!",
}


def _p(text: str) -> str:
    """A cell's text as Huawei writes it: a paragraph per line, a list for several menu paths."""
    lines = text.split("\n")
    if len(lines) > 1:
        items = "".join(f'<li class="li">{html.escape(line)}</li>' for line in lines)
        return f'<ul class="ul">{items}</ul>'
    return f'<p id="p{zlib.crc32(text.encode()) % 10**8}">{html.escape(text)}</p>'


def page(
    title: str,
    rows: Sequence[Sequence[Cell | None]],
    kind: str,
    language: str,
    updated: str | None = None,
    notes: Sequence[str] = (),
    headers: Sequence[str] | None = None,
    scope: bool = False,
) -> str:
    """A page whose table has ``rows`` (six cells each; a cell that is the same object as the one
    above it in its column is spanned from it with ``rowspan``; None is an empty cell)."""
    headers = list(headers or HEADERS[(kind, language)])
    if scope:
        # The China site's table with scope columns (策略授权参考): 授权项 columns, then whether
        # each action is grantable in an IAM project and in an enterprise project.
        headers = [
            *headers[:4],
            "授权项(Action)",
            "授权项名称",
            "IAM项目 (Project)",
            "企业项目 (Enterprise Project)",
        ]
        rows = [[*row, Cell("√", 0), Cell("×", 0)] for row in rows]
    head = "".join(
        f'<th align="left" class="cellrowborder" valign="top" width="16.67%" id="mcps1.3.4.2.7.1.{n}">'
        f"{_p(text)}</th>"
        for n, text in enumerate(headers, 1)
    )
    body = []
    for index, row in enumerate(rows):
        cells = []
        for column, cell in enumerate(row):
            if index and cell is not None and cell is rows[index - 1][column]:
                continue  # covered by the rowspan of the cell above
            span = 1
            while cell is not None and index + span < len(rows) and rows[index + span][column] is cell:
                span += 1
            rowspan = f' rowspan="{span}"' if span > 1 else ""
            inner = _p(cell.text) if cell is not None else ""
            cells.append(
                f'<td class="cellrowborder"{rowspan} valign="top" width="16.67%" '
                f'headers="mcps1.3.4.2.7.1.{column + 1} ">{inner}</td>'
            )
        body.append("<tr>\n" + "\n".join(cells) + "\n</tr>")
    crumb_sep = " &gt; "
    date_line = f'<div class="updateTime">{_UPDATED[language].format(date=updated)}</div>' if updated else ""
    notes_html = "".join(f'<div class="note"><p>{html.escape(note)}</p></div>' for note in notes)
    return f"""<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}_API Reference_Huawei Cloud</title>
<script type="text/javascript">window.dataLayer = window.dataLayer || []; var t = "<table>";</script>
<style>.tablenoborder table {{ border: 1px solid #ddd; }}</style>
</head>
<body>
<div class="header"><a href="/">Huawei Cloud</a><a href="/help/">Documentation</a>
<input type="text" placeholder="Search"></div>
<div class="crumbs"><a href="/">Help Center</a>{crumb_sep}<a href="../">API Reference</a>{crumb_sep}
<span>{html.escape(title)}</span></div>
<div class="help-details">
<h1 class="topictitle1">{html.escape(title)}</h1>
{date_line}
<div class="section">
<p>The API can be accessed as documented in the following table.</p>
{notes_html}
<div class="tablenoborder">
<table cellpadding="4" cellspacing="0" summary="" frame="border" border="1" rules="all">
<caption><b>Table 1 </b></caption>
<thead align="left"><tr>{head}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
</div>
</div>
</div>
<div class="feedback"><p>{_FEEDBACK[language]}</p>
<textarea>Your comments</textarea><button>Submit</button></div>
<div class="footer"><p>© 2026 Huawei Cloud Computing Technologies Co., Ltd.</p></div>
</body>
</html>
"""


def rows_of(table: PageTable) -> list[list[Cell | None]]:
    """A page table's rows as six cells each, spans kept as the same Cell object."""
    seen: dict[tuple[str, int], Cell] = {}

    def one(cell: Cell | None) -> Cell | None:
        if cell is None:
            return None
        return seen.setdefault((cell.text, cell.line), cell)

    def cells(row: RawRow) -> list[Cell | None]:
        return [
            one(row.scenario),
            one(row.sub_scenario),
            one(row.description),
            one(row.url),
            one(row.permissions),
            one(row.last),
        ]

    return [cells(row) for row in table.rows]


def page_of(table: PageTable, kind: str) -> str:
    return page(table.title.text, rows_of(table), kind, table.language, table.updated)


_AUTH_TEXT = {
    "en": (
        "Authorization",
        "Each account has all of the permissions required to call all APIs, but IAM users must have the "
        "required permissions specifically assigned.",
        "If you are using role/policy-based authorization, see the required permissions in Actions "
        "Supported by Policy-based Authorization.",
        "If you are using identity policy-based authorization, the permission listed below is required.",
        ("Action", "Description", "Access Level", "Resource Type (*: required)", "Condition Key", "Alias"),
        "Function",
        "Updated on {date} GMT+08:00",
    ),
    "zh": (
        "授权信息",
        "账号具备所有API的调用权限,如果使用账号下的IAM用户调用当前API,该IAM用户需具备调用API所需的权限。",
        "如果使用角色与策略授权,具体权限要求请参见策略授权参考。",
        "如果使用身份策略授权,需具备如下身份策略权限。",
        ("授权项", "描述", "访问级别", "资源类型(*为必须)", "条件键", "别名"),
        "功能介绍",
        "更新时间:{date} GMT+08:00",
    ),
}


def api_page(
    title: str, api: str, actions: Sequence[str], language: str, updated: str | None, address: str | None
) -> str:
    """An API's page: Function, Authorization (the identity-action table), URI, examples."""
    heading, everyone, policies, identity, headers, function, date_line = _AUTH_TEXT[language]
    head = "".join(f'<th align="left" class="cellrowborder" valign="top">{_p(h)}</th>' for h in headers)
    rows = "".join(
        f'<tr><td class="cellrowborder" valign="top">{_p(action)}</td>'
        f'<td class="cellrowborder" valign="top">{_p("Grants the permission")}</td>'
        '<td class="cellrowborder" valign="top"><p>list</p></td><td class="cellrowborder"><p>-</p></td>'
        '<td class="cellrowborder"><p>-</p></td><td class="cellrowborder"><p>-</p></td></tr>'
        for action in actions
    )
    canonical = f'<link rel="canonical" href="{html.escape(address)}">' if address else ""
    updated_line = f'<div class="updateTime">{date_line.format(date=updated)}</div>' if updated else ""
    return f"""<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
{canonical}
<title>{html.escape(title)}_Customer Operation Capabilities_API Reference</title>
<script>var crumbs = "<h1>not the title</h1>";</script>
</head>
<body>
<div class="crumbs"><a href="/">Help Center</a> &gt; <a href="../">API Reference</a> &gt;
<span>{html.escape(title)}</span></div>
<div class="help-details">
<h1 class="topictitle1">{html.escape(title)}</h1>
{updated_line}
<div class="section"><h4 class="sectiontitle">{function}</h4><p>{html.escape(title)}.</p></div>
<div class="section"><h4 class="sectiontitle">{heading}</h4><p>{everyone}</p>
<ul><li><p>{policies}</p></li>
<li><p>{identity}</p>
<div class="tablenoborder">
<table cellpadding="4" cellspacing="0" summary="" frame="border" border="1" rules="all">
<thead align="left"><tr>{head}</tr></thead>
<tbody>{rows}</tbody>
</table></div></li></ul></div>
<div class="section"><h4 class="sectiontitle">URI</h4><p>{html.escape(api)}</p></div>
<div class="section"><h4 class="sectiontitle">Request</h4>
<pre class="screen">{html.escape(api)} HTTP/1.1</pre></div>
</div>
<div class="feedback"><p>{_FEEDBACK[language]}</p></div>
</body>
</html>
"""


def reference_page(actions: Sequence[tuple[str, str]], updated: str) -> str:
    """The identity-policy reference (身份策略授权参考): the actions with aliases, no API."""
    rows = "".join(
        f"<tr><td>{_p(action)}</td><td>{_p(description)}</td><td><p>read</p></td><td><p>-</p></td>"
        "<td><p>-</p></td><td><p>-</p></td></tr>"
        for action, description in actions
    )
    headers = _AUTH_TEXT["zh"][4]
    head = "".join(f"<th>{_p(h)}</th>" for h in headers)
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>身份策略授权参考 BSS</title></head>
<body><h1 class="topictitle1">身份策略授权参考 BSS</h1>
<div class="updateTime">更新时间:{updated} GMT+08:00</div>
<p>操作(Action)即为身份策略中支持的授权项。</p>
<div class="tablenoborder"><table><caption>表1 BSS 支持的授权项</caption>
<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>
</body></html>
"""
