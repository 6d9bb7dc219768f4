"""Task tables as real notices lay them out: no header row, merged category
columns, status and progress columns told apart by their cells, traditional
script, a target column under a bracketed unit. Each test builds its document."""
import io

import openpyxl

from minsheng_etl.extract import extract
from minsheng_etl.extract.columns import infer_columns, is_status_cell, map_header, resolve_columns
from minsheng_etl.readers import read
from minsheng_etl.repair import repair


def notice_of(data: bytes):
    return extract(repair(read(data))).notice


def html_page(body: str, charset: str = "utf-8", title: str = "2021年民生实事项目推进情况") -> bytes:
    page = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>")
    return page.encode("gb18030" if charset == "gbk" else charset)


def row(*cells: str) -> str:
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def xlsx(rows: list[tuple], merges: list[str] = ()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    for m in merges:
        ws.merge_cells(m)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def targets(task) -> list[tuple[float, str]]:
    return [(t.value, t.unit) for t in task.targets]


def test_table_without_header_row_gets_roles_from_its_cells():
    body = "<table>" + "".join([
        row("1", "完成27所学校教育基础设施改造提升,新安装空调970台。", "县教育局", "已安装空调970台,新风系统在招投标中。", "按时序推进"),
        row("2", "对350户生活困难老年人家庭进行适老化改造。", "县民政局", "确定500户改造对象,其中252户已完成改造。", "按时序推进"),
        row("3", "新增3岁以下婴幼儿照护服务机构6家180个托位。", "县卫生健康局", "已完成总进度70%。", "已完成"),
    ]) + "</table>"
    notice = notice_of(html_page(body, charset="gbk"))
    assert [t.seq for t in notice.tasks] == [1, 2, 3]
    first, _, third = notice.tasks
    assert first.content == "完成27所学校教育基础设施改造提升,新安装空调970台。"
    assert first.units == ["县教育局"] and first.status == "按时序推进"
    assert first.progress == "已安装空调970台,新风系统在招投标中。" and first.list_kind == "progress"
    assert targets(third) == [(6, "家"), (180, "个")]  # 3岁以下 is an age


def test_layout_table_without_task_roles_is_not_a_task_list():
    rows = [["首页", "政务公开", "通知公告"], ["1", "2", "3"], ["网站地图", "联系我们", "无障碍"]]
    assert infer_columns(rows) is None


TRADITIONAL = """
<p>30項全市重點民生實事,3項(①多種國家第九批集采藥品降價;②開展兒童齲病防治工作;③5G基站建設)已完成。</p>
<p>一、加強組織領導。</p><p>二、加快工作進度。</p><p>三、嚴格督導考核。</p>
<h2>2024年二季度重點民生實事進展情況表</h2>
<table>
<tr><th>序號</th><th>事項名稱</th><th>任務目標</th><th>進展情況</th><th>責任單位</th><th>完成情況</th></tr>
<tr><td>1</td><td>地方儲備糧倉庫擴建項目</td><td>預計2024年5月完工,可新增1.6萬噸儲備糧。</td>
<td>截至目前,主體工程均已完成。</td><td>發改局</td><td>已完成二季度任務</td></tr>
<tr><td>2</td><td>開展政務服務“減證便民”創新工作</td><td>打造3-4個鎮級“減證便民”示范點。</td>
<td>現已完成設備更新。</td><td>審批局</td><td>按計劃推進</td></tr>
</table>"""


def test_traditional_headers_name_and_target_columns_and_a_status_column():
    notice = notice_of(html_page(TRADITIONAL, title="棲霞市人民政府辦公室通報"))
    # the numbered lists of the covering notice are not tasks: the table is the list
    assert [(t.list, t.seq) for t in notice.tasks] == [(0, 1), (0, 2)]
    grain, permits = notice.tasks
    assert grain.content == "地方儲備糧倉庫擴建項目\n預計2024年5月完工,可新增1.6萬噸儲備糧。"
    assert grain.units == ["發改局"] and grain.status == "已完成二季度任務"
    assert grain.progress == "截至目前,主體工程均已完成。" and grain.deadline is None
    assert targets(grain) == [(16000, "噸")]
    assert targets(permits) == [(3, "個"), (4, "個")] and permits.status == "按計劃推進"


def test_merged_categories_sub_columns_bracket_units_and_two_progress_columns():
    data = xlsx([
        ("2017年1—11月十大民生工程项目实施进度表", None, None, None, None, None, None, None, None),
        ("工程\n名称", "序号", "项 目 内 容", None, "目标任务", "市级牵头\n责任单位", "进度", "完成目标\n(%)", "备注"),
        ("就业促进工程", "1", "促进城乡劳动者就业创业", "城镇新增就业(人)", "26000", "市人力资源\n社会保障局", "32095", "123.4", "超额完成"),
        (None, "2", None, "城镇登记失业率低于(%)", "4.3", None, "4.17", "103.1", "超额完成"),
        (None, "3", "扶持大学生创业", None, "应补尽补", "市人力资源社会保障局、市教体局、\n团市委", "发放创业补贴262万元。", None, "达到时间进度"),
        (None, "4*", "促进城乡劳动者就业创业", "电子商务人才培训(万人次)", "0.8", "市商务局", "9200", "115", "已完成"),
        (None, "5*", None, "下岗失业人员再就业(人)", "400", "市总工会", "1008", "252", "超额完成"),
    ], merges=["A1:I1", "C2:D2", "A3:A7", "C3:C4", "F3:F4", "C5:D5", "G5:H5", "C6:C7"])
    notice = notice_of(data)
    assert [t.seq for t in notice.tasks] == [1, 2, 3, 4, 5]
    first, rate, merged, training, last = notice.tasks
    assert first.section == "促进城乡劳动者就业创业" and merged.section == "就业促进工程"
    assert first.content == "城镇新增就业(人)\n26000" and targets(first) == [(26000, "人")]
    assert targets(rate) == [(4.3, "%")] and targets(training) == [(8000, "人次")]
    assert merged.content == "扶持大学生创业\n应补尽补" and targets(merged) == []
    assert first.units == ["市人力资源社会保障局"] and rate.units == ["市人力资源社会保障局"]
    assert merged.units == ["市人力资源社会保障局", "市教体局", "团市委"]
    # 进度 and 完成目标(%) report one period: both, in column order; a merged cell once
    assert first.progress == "32095\n123.4" and merged.progress == "发放创业补贴262万元。"
    assert first.status == "超额完成" and merged.status == "达到时间进度"
    assert all(t.list_kind == "progress" for t in notice.tasks)
    assert last.section == "促进城乡劳动者就业创业"


def test_category_column_number_in_name_cell_and_wrapped_target():
    data = xlsx([
        ("区2021年上半年国民经济和社会发展计划执行情况", None, None, None, None),
        ("类别", "指标名称", "年度目标", "完成情况", "责任部门"),
        ("高质量发展", "1、区级财政收入增长率", "6%以上", "28.97%", "区财政局"),
        (None, "2、四大重点培育产业占区级税收\n比重", "提升4个\n百分点", "提升3.89个百分点", "区科委\n区金融办"),
        ("高品质生活", "3、城乡登记失业人数", "控制在\n10410人内", "7919人", "区人社局"),
    ], merges=["A1:E1", "A3:A4"])
    notice = notice_of(data)
    assert [t.seq for t in notice.tasks] == [1, 2, 3]
    growth, share, jobless = notice.tasks
    assert growth.section == "高质量发展" and jobless.section == "高品质生活"
    assert growth.content == "区级财政收入增长率\n6%以上" and targets(growth) == [(6, "%")]
    assert targets(share) == [(4, "个百分点")] and share.units == ["区科委", "区金融办"]
    assert share.progress == "提升3.89个百分点" and share.status is None
    assert targets(jobless) == [(10410, "人")]


def test_rowspan_unit_and_monthly_plan_column_maps_to_nothing():
    body = ("<table><tr><th>序号</th><th>项目内容</th><th>月度工作计划</th><th>牵头单位</th><th>落实情况</th></tr>"
            '<tr><td>1</td><td>新建2所公办幼儿园。</td><td>8月底前完成主体。</td><td rowspan="2">县教育局</td>'
            "<td><p>已完成。</p><p>主体结构已封顶。</p></td></tr>"
            "<tr><td>2</td><td>改造农村学校食堂10个。</td><td>完成招标。</td><td>已完成。</td></tr></table>")
    notice = notice_of(html_page(body, title="2024年民生实事项目4月进展情况"))
    first, second = notice.tasks
    assert first.content == "新建2所公办幼儿园。" and second.units == ["县教育局"]
    assert first.progress == "已完成。\n主体结构已封顶。" and first.deadline is None and first.status is None


def test_percentage_progress_column_is_progress_not_status():
    mapping = resolve_columns(map_header(["序号", "任务内容", "当前进度", "任务进度"]),
                              [["1", "新建学校", "80%", "正在推进"], ["2", "新增床位", "100%", "已完成"]])
    assert mapping == {0: "seq", 1: "content", 2: "progress", 3: "status"}
    mapping = resolve_columns(map_header(["序号", "任务内容", "进度"]), [["1", "新建学校", "80%"], ["2", "新增床位", "45%"]])
    assert mapping[2] == "progress"


def test_progress_columns_of_different_periods_keep_the_latest():
    mapping = map_header(["序号", "工作任务", "1-10月推进情况", "1-11月推进情况", "完成率"])
    assert mapping == {0: "seq", 1: "content", 3: "progress", 4: "progress"}


def test_task_over_two_rows_joins_content():
    body = ("<table><tr><th>序号</th><th>任务内容</th><th>责任单位</th><th>完成时限</th></tr>"
            '<tr><td rowspan="2">1</td><td>新建养老服务中心3家</td><td>区民政局</td><td>6月底</td></tr>'
            "<tr><td>改造社区食堂5个</td><td>区商务局</td><td>12月底</td></tr>"
            "<tr><td>2</td><td>新增停车位200个</td><td>区交通局</td><td>10月底</td></tr></table>")
    notice = notice_of(html_page(body, title="2024年区民生实事项目"))
    assert [t.seq for t in notice.tasks] == [1, 2]
    first = notice.tasks[0]
    assert first.content == "新建养老服务中心3家\n改造社区食堂5个"
    assert first.units == ["区民政局", "区商务局"] and targets(first) == [(3, "家"), (5, "个")]
    assert first.deadline.isoformat() == "2024-12-31"  # the later date


def test_status_cells_are_short_status_words():
    assert is_status_cell("超额完成") and is_status_cell("按时序推进") and is_status_cell("已完成二季度任務")
    assert not is_status_cell("32095") and not is_status_cell("80%")
    assert not is_status_cell("截至目前,该项目内外墙工程、屋面工程均已完成,6月底工程预验收。")
    assert not is_status_cell("已完成。\n主体结构已封顶。")


def test_two_header_rows_under_merged_header_cells():
    body = ('<table><tr><th rowspan="2">序号</th><th colspan="2">项目内容</th><th colspan="2">推进情况</th>'
            '<th rowspan="2">责任单位</th></tr>'
            "<tr><th>名称</th><th>目标</th><th>1-10月</th><th>1-11月</th></tr>"
            + row("1", "城镇老旧小区改造", "改造小区12个", "已开工10个。", "已完工12个。", "区住建局")
            + row("2", "公共停车设施", "新增车位800个", "已建成500个。", "已建成800个。", "区交通局")
            + "</table>")
    notice = notice_of(html_page(body, title="2024年民生实事1-11月推进情况"))
    assert [t.seq for t in notice.tasks] == [1, 2]
    first = notice.tasks[0]
    assert first.content == "城镇老旧小区改造\n改造小区12个" and targets(first) == [(12, "个")]
    assert first.progress == "已完工12个。" and first.units == ["区住建局"]


def test_status_column_of_yes_no_stays_status():
    mapping = resolve_columns(map_header(["序号", "任务内容", "是否完成"]), [["1", "新建学校", "是"], ["2", "新增床位", "否"]])
    assert mapping[2] == "status"


def test_header_row_of_unknown_words_is_skipped_and_roles_read_from_cells():
    body = "<table>" + "".join([
        row("No.", "民生工程", "牵头", "本月动态", "评价"),
        row("1", "完成30所智慧校园安保一体化管理系统建设。", "县教育局", "招投标文件已发布,8月10日开标。", "按时序推进"),
        row("2", "完成10家示范型居家养老服务照料中心建设。", "县民政局", "已完成设计方案,5家施工中。", "按时序推进"),
    ]) + "</table>"
    notice = notice_of(html_page(body))
    assert [t.seq for t in notice.tasks] == [1, 2]
    assert notice.tasks[1].units == ["县民政局"] and notice.tasks[1].status == "按时序推进"
    assert notice.tasks[1].progress == "已完成设计方案,5家施工中。"


def test_category_rows_do_not_hide_a_remark_status_column():
    body = ("<table><tr><th>序号</th><th>任务内容</th><th>责任单位</th><th>进展情况</th><th>备注</th></tr>"
            '<tr><td colspan="5">一、教育类</td></tr>'
            + row("1", "新建幼儿园3所。", "区教委", "主体已封顶。", "已完成")
            + '<tr><td colspan="5">二、养老类</td></tr>'
            + row("2", "新增养老床位200张。", "区民政局", "已建成150张。", "序时推进")
            + "</table>")
    notice = notice_of(html_page(body, title="2024年民生实事三季度进展情况"))
    first, second = notice.tasks
    assert first.section == "一、教育类" and second.section == "二、养老类"
    assert (first.status, second.status) == ("已完成", "序时推进")
    assert second.progress == "已建成150张。"


def test_headerless_task_ending_like_a_body_and_a_long_unit_list():
    rows = [["1", "新建乡镇中心卫生院", "县卫生健康局、县发展改革局、县财政局", "主体工程已完工"],
            ["2", "改扩建县第二人民医院", "县卫生健康局、县自然资源局、县住建局", "正在进行内部装修"]]
    assert infer_columns(rows) == {0: "seq", 1: "content", 2: "units", 3: "status"}


def test_name_merged_over_a_task_split_in_two_rows_counts_once():
    body = ("<table><tr><th>序号</th><th>项目名称</th><th>建设内容</th><th>责任单位</th></tr>"
            '<tr><td rowspan="2">1</td><td rowspan="2">城乡供水一体化工程</td><td>新建水厂1座</td>'
            '<td rowspan="2">县水利局</td></tr>'
            "<tr><td>铺设供水管网120公里</td></tr>"
            + row("2", "农村公路提升工程", "新改建农村公路50公里", "县交通运输局") + "</table>")
    notice = notice_of(html_page(body, title="2024年县民生实事项目"))
    first = notice.tasks[0]
    assert first.content == "城乡供水一体化工程\n新建水厂1座\n铺设供水管网120公里"
    assert first.units == ["县水利局"] and targets(first) == [(1, "座"), (120, "公里")]


# --- a web table copied as text: rowspan cells left out ---------------------------------

COPIED = ("2024年4月民生实事项目进展情况汇总表\n"
          "序号\t项目内容\t月度工作计划\t牵头单位\t落实情况\n"
          "1\t为老年人免费接种流感疫苗24723人。\t4月：制定工作方案。\t县卫生健康局\t已完成。已制定工作方案。\n"
          "2\t开展结直肠癌筛查7400人。\t4月：完成筛查1480人。\t已完成。完成筛查人数3495人，完成率47.23%。\n"
          "3\t培训应急救护人员235人。\t4月：完成培训65人。\t县红十字会\t已完成。已培训188人。\n")


def test_a_row_a_copy_left_short_takes_the_merged_cell_from_above():
    """A browser's copy of a table gives a rowspan cell once: the row below is a cell
    short. The cell it lacks is the one whose absence fits its cells to their columns
    (a report is no body name), and it holds the row above's value."""
    tasks = notice_of(COPIED.encode()).tasks
    assert [(t.seq, t.units, t.progress) for t in tasks] == [
        (1, ["县卫生健康局"], "已完成。已制定工作方案。"),
        (2, ["县卫生健康局"], "已完成。完成筛查人数3495人，完成率47.23%。"),
        (3, ["县红十字会"], "已完成。已培训188人。")]


def test_a_short_row_with_nothing_to_say_where_its_gap_is_stays_as_it_stands():
    text = COPIED.replace("\t已完成。完成筛查人数3495人，完成率47.23%。\n", "\t县卫生健康局\n")
    second = notice_of(text.encode()).tasks[1]
    assert second.units == ["县卫生健康局"] and second.progress is None  # the report cell is simply missing
