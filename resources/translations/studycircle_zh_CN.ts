<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AnswerDialog</name>
    <message>
        <source>Answer: {title}</source>
        <translation>回答：{title}</translation>
    </message>
    <message>
        <source>Anonymous: your answer is signed by a key made for this survey, not by your device, and the person who opened the survey admitted that key without seeing it, so nobody, they included, can tell which answer is yours. Answering again replaces your answer.</source>
        <translation>匿名：你的回答由为本问卷生成的密钥签名，而不是你的设备；发起问卷的人在看不到该密钥的情况下批准了它，所以任何人（包括发起人）都无法得知哪条回答是你的。再次回答会替换你之前的回答。</translation>
    </message>
    <message>
        <source>Named: your name is shown with the results.</source>
        <translation>实名：结果中会显示你的名字。</translation>
    </message>
    <message>
        <source>Choose an answer to every choice and scale question.</source>
        <translation>请为每个选择题和量表题选一个答案。</translation>
    </message>
</context>
<context>
    <name>AssessDialog</name>
    <message>
        <source>Assess {name}&apos;s work</source>
        <translation>评定 {name} 的作业</translation>
    </message>
    <message>
        <source>Why this grade (shown to the student)</source>
        <translation>评分理由（学生可见）</translation>
    </message>
    <message>
        <source>Suggested from the reviews</source>
        <translation>根据互评的建议</translation>
    </message>
    <message>
        <source>&amp;Grade</source>
        <translation>成绩(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Comment</source>
        <translation>评语(&amp;C)</translation>
    </message>
</context>
<context>
    <name>Assessment</name>
    <message>
        <source>Reviews to do</source>
        <translation>有待评阅</translation>
    </message>
    <message numerus="yes">
        <source>{circle}: {phase} of “{title}” is open; %n submission(s) to review.</source>
        <translation>
            <numerusform>{circle}：“{title}”的{phase}已开放；有 %n 份提交待评阅。</numerusform>
        </translation>
    </message>
    <message>
        <source>Assignment moved on</source>
        <translation>作业进入下一阶段</translation>
    </message>
    <message>
        <source>{circle}: “{title}” is now in its {phase} phase.</source>
        <translation>{circle}：“{title}”现已进入{phase}阶段。</translation>
    </message>
    <message>
        <source>Feedback received</source>
        <translation>收到反馈</translation>
    </message>
    <message>
        <source>{circle}: a new review of your work on “{title}”.</source>
        <translation>{circle}：你在“{title}”上的作业收到一条新评阅。</translation>
    </message>
    <message>
        <source>Grade released</source>
        <translation>成绩已发布</translation>
    </message>
    <message>
        <source>{circle}: your grade for “{title}” is in.</source>
        <translation>{circle}：你在“{title}”上的成绩已出。</translation>
    </message>
    <message>
        <source>submission</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>review</source>
        <translation>评阅</translation>
    </message>
    <message>
        <source>revision</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>assessment</source>
        <translation>评定</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>{phase} round {n}</source>
        <translation>第 {n} 轮{phase}</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{done}/{total}</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n} 小时</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n 天</numerusform>
        </translation>
    </message>
    <message>
        <source>Reviewer {n}, round {round}</source>
        <translation>评阅人 {n}（第 {round} 轮）</translation>
    </message>
    <message>
        <source>version {n}</source>
        <translation>第 {n} 版</translation>
    </message>
    <message numerus="yes">
        <source>{submitted} of {students} submitted; {left} will not be reviewed. Each submission gets %n reviewer(s); submitting ends.</source>
        <translation>
            <numerusform>{students} 人中已有 {submitted} 人提交；{left} 人的作业将不被评阅。每份提交分配 %n 位评阅人；提交随即截止。</numerusform>
        </translation>
    </message>
    <message>
        <source>{revised} of {submitted} revised; the others are reviewed as they stand. Review round {next} opens; revising ends.</source>
        <translation>{submitted} 份中已修改 {revised} 份；其余按原样评阅。第 {next} 轮评阅开始；修改随即截止。</translation>
    </message>
    <message>
        <source>{done} of {allocated} reviews written; {missing} will not count. Review round {n} ends and revising opens.</source>
        <translation>{allocated} 份评阅中已完成 {done} 份；{missing} 份将不计入。第 {n} 轮评阅结束，开始修改。</translation>
    </message>
    <message>
        <source>{done} of {allocated} reviews written; {missing} will not count. Review round {n} ends and you assess.</source>
        <translation>{allocated} 份评阅中已完成 {done} 份；{missing} 份将不计入。第 {n} 轮评阅结束，由你评分。</translation>
    </message>
    <message>
        <source>The assignment closes: nothing more can be submitted, reviewed or rated.</source>
        <translation>作业将结束：之后不能再提交、评阅或评价。</translation>
    </message>
    <message>
        <source>The assignment is closed.</source>
        <translation>作业已结束。</translation>
    </message>
    <message numerus="yes">
        <source>answered %n question(s)</source>
        <translation>
            <numerusform>回答了 %n 个问题</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n answer(s) accepted</source>
        <translation>
            <numerusform>%n 个回答被采纳</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>thanked %n time(s)</source>
        <translation>
            <numerusform>被感谢 %n 次</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>wrote %n review(s)</source>
        <translation>
            <numerusform>写了 %n 份评阅</numerusform>
        </translation>
    </message>
    <message>
        <source>, found {n} of 5 helpful on average</source>
        <translation>，平均有用度 {n}/5</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
</context>
<context>
    <name>AssignmentDialog</name>
    <message>
        <source>New assignment</source>
        <translation>新建作业</translation>
    </message>
    <message>
        <source>Edit assignment</source>
        <translation>编辑作业</translation>
    </message>
    <message>
        <source>e.g. Essay: argue a case</source>
        <translation>例如：议论文：论证一个观点</translation>
    </message>
    <message>
        <source>The brief (Markdown): what to do, how it is judged</source>
        <translation>作业说明（支持 Markdown）：要做什么，如何评分</translation>
    </message>
    <message>
        <source>Criterion</source>
        <translation>评分项</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>分值</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>&amp;Add criterion</source>
        <translation>添加评分项(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Remove criterion</source>
        <translation>移除评分项(&amp;R)</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Due (YYYY-MM-DD HH:MM)</source>
        <translation>截止时间（YYYY-MM-DD HH:MM）</translation>
    </message>
    <message>
        <source>Set assignment</source>
        <translation>布置作业</translation>
    </message>
    <message>
        <source>Save changes</source>
        <translation>保存更改</translation>
    </message>
    <message>
        <source>&amp;Title</source>
        <translation>标题(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Brief</source>
        <translation>说明(&amp;B)</translation>
    </message>
    <message>
        <source>Reviewers per submission</source>
        <translation>每份提交的评阅人数</translation>
    </message>
    <message>
        <source>Review rounds</source>
        <translation>互评轮数</translation>
    </message>
    <message>
        <source>Rubric</source>
        <translation>评分标准</translation>
    </message>
    <message>
        <source>&amp;Due dates (empty: none)</source>
        <translation>截止日期(&amp;D)（留空：无）</translation>
    </message>
    <message>
        <source>Reviewing has started: the rubric, reviewers per submission and rounds are fixed. The title, brief and due dates can still change.</source>
        <translation>互评已经开始：评分标准、每份作业的评审人数和轮数已固定。标题、说明和截止日期仍可修改。</translation>
    </message>
    <message>
        <source>Write the {phase} due date as YYYY-MM-DD HH:MM, e.g. 2026-12-18 17:00.</source>
        <translation>请按 YYYY-MM-DD HH:MM 填写{phase}的截止日期，例如 2026-12-18 17:00。</translation>
    </message>
    <message>
        <source>An assignment needs a title.</source>
        <translation>作业需要一个标题。</translation>
    </message>
    <message>
        <source>A rubric needs at least one criterion with a name.</source>
        <translation>评分标准至少需要一个有名称的评分项。</translation>
    </message>
    <message>
        <source>A criterion&apos;s name cannot contain &apos;:&apos;.</source>
        <translation>评分项的名称不能包含“:”。</translation>
    </message>
</context>
<context>
    <name>CloseDialog</name>
    <message>
        <source>Close the cycle</source>
        <translation>结束本轮</translation>
    </message>
    <message>
        <source>Goals met:</source>
        <translation>已达成的目标：</translation>
    </message>
    <message>
        <source>One next goal a line (proposed for the next cycle)</source>
        <translation>每行一个下一步目标（为下一轮提出）</translation>
    </message>
    <message>
        <source>&amp;Next goals</source>
        <translation>下一步目标(&amp;N)</translation>
    </message>
</context>
<context>
    <name>ComposeDialog</name>
    <message>
        <source>tags, separated by commas</source>
        <translation>标签，用逗号分隔</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>正文</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
</context>
<context>
    <name>CycleDialog</name>
    <message>
        <source>Open a cycle</source>
        <translation>开启一轮</translation>
    </message>
    <message>
        <source>e.g. wait time after questions</source>
        <translation>例如：提问后的等待时间</translation>
    </message>
    <message>
        <source>Start with the goals the last cycle proposed: {goals}</source>
        <translation>从上一轮提出的目标开始：{goals}</translation>
    </message>
    <message>
        <source>&amp;Observed</source>
        <translation>被观察者(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Title</source>
        <translation>标题(&amp;T)</translation>
    </message>
</context>
<context>
    <name>DevicesDialog</name>
    <message>
        <source>My devices</source>
        <translation>我的设备</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Circles</source>
        <translation>圈子</translation>
    </message>
    <message>
        <source>Unlink…</source>
        <translation>解除关联…</translation>
    </message>
    <message>
        <source>  (this device)</source>
        <translation>（本设备）</translation>
    </message>
    <message>
        <source>Unlink device</source>
        <translation>解除设备关联</translation>
    </message>
    <message>
        <source>Unlink «{name}» ({id})?</source>
        <translation>解除与「{name}」（{id}）的关联？</translation>
    </message>
    <message>
        <source>It will read nothing written from now on in your circles and notes (their keys change), and cannot be linked again. What it holds already stays on it.</source>
        <translation>从现在起，它将无法读取你的圈子和笔记中新写的内容（密钥会更换），并且不能再次关联。它上面已有的内容会保留。</translation>
    </message>
    <message>
        <source>Unlinked from {spaces} circles and notes.</source>
        <translation>已从 {spaces} 个圈子和笔记中解除关联。</translation>
    </message>
</context>
<context>
    <name>EndPairDialog</name>
    <message>
        <source>End the pair</source>
        <translation>结束搭档关系</translation>
    </message>
    <message>
        <source>End your coaching pair with {who}?</source>
        <translation>结束你与 {who} 的互导搭档关系？</translation>
    </message>
    <message>
        <source>Nothing more can be added to it. You both keep its history, read-only.</source>
        <translation>之后不能再添加任何内容。你们双方都会保留其历史记录（只读）。</translation>
    </message>
    <message>
        <source>Thank you for the cycles together…</source>
        <translation>感谢这些轮次的共同努力……</translation>
    </message>
    <message>
        <source>A &amp;closing word (optional):</source>
        <translation>结束语（可选）(&amp;C)：</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Unexpected error ({kind}: {error}). Please report it.</source>
        <translation>意外错误（{kind}：{error}）。请报告此问题。</translation>
    </message>
    <message>
        <source>A note needs a title.</source>
        <translation>笔记需要一个标题。</translation>
    </message>
    <message>
        <source>This note is empty: write something in it before sharing it.</source>
        <translation>这条笔记是空的：先写点内容再分享。</translation>
    </message>
    <message>
        <source>That item&apos;s text was redacted by a teacher; there is nothing to save.</source>
        <translation>这条内容的文字已被教师抹除，没有可保存的内容。</translation>
    </message>
    <message>
        <source>Give at least one word to search for.</source>
        <translation>请至少输入一个要搜索的词。</translation>
    </message>
    <message>
        <source>A thread needs a title.</source>
        <translation>话题需要一个标题。</translation>
    </message>
    <message>
        <source>A reply cannot be empty.</source>
        <translation>回复不能为空。</translation>
    </message>
    <message>
        <source>Replies go under a thread, a resource or a help request.</source>
        <translation>回复只能发在话题、资源或求助下面。</translation>
    </message>
    <message>
        <source>A chat message cannot be empty.</source>
        <translation>聊天消息不能为空。</translation>
    </message>
    <message>
        <source>A chat message is at most 10,000 characters; post a thread for longer text.</source>
        <translation>聊天消息最多 10,000 个字符；更长的内容请发一个话题。</translation>
    </message>
    <message>
        <source>It needs a title.</source>
        <translation>需要一个标题。</translation>
    </message>
    <message>
        <source>The text cannot be empty; delete the post instead.</source>
        <translation>正文不能为空；如要去掉，请删除这条帖子。</translation>
    </message>
    <message>
        <source>Nothing to change.</source>
        <translation>没有需要修改的内容。</translation>
    </message>
    <message>
        <source>A message cannot be empty.</source>
        <translation>消息不能为空。</translation>
    </message>
    <message>
        <source>Only its author can edit this; a teacher may hide or redact it.</source>
        <translation>只有作者可以编辑它；教师可以隐藏或抹除它。</translation>
    </message>
    <message>
        <source>Only its author can delete this; a teacher may hide or redact it.</source>
        <translation>只有作者可以删除它；教师可以隐藏或抹除它。</translation>
    </message>
    <message>
        <source>A help request needs a title: say in a few words what you are stuck on.</source>
        <translation>求助需要一个标题：用几个词说明你卡在哪里。</translation>
    </message>
    <message>
        <source>An answer cannot be empty.</source>
        <translation>回答不能为空。</translation>
    </message>
    <message>
        <source>A progress note cannot be empty.</source>
        <translation>进展说明不能为空。</translation>
    </message>
    <message>
        <source>A resource needs a title.</source>
        <translation>资源需要一个标题。</translation>
    </message>
    <message>
        <source>A link must start with http:// or https://.</source>
        <translation>链接必须以 http:// 或 https:// 开头。</translation>
    </message>
    <message>
        <source>A resource needs a link, a text or a file.</source>
        <translation>资源需要一个链接、一段文字或一个文件。</translation>
    </message>
    <message>
        <source>This resource was redacted by a teacher; its files are not shared.</source>
        <translation>这个资源已被教师抹除，其文件不再共享。</translation>
    </message>
    <message>
        <source>No resource of this circle shares that file now (deleted or redacted?).</source>
        <translation>这个圈子现在没有资源共享该文件（已删除或被抹除？）。</translation>
    </message>
    <message>
        <source>A circle needs a name.</source>
        <translation>圈子需要一个名称。</translation>
    </message>
    <message>
        <source>A circle&apos;s description may be at most 2,000 characters.</source>
        <translation>圈子的简介最多 2,000 个字符。</translation>
    </message>
    <message>
        <source>A title cannot be empty.</source>
        <translation>标题不能为空。</translation>
    </message>
    <message>
        <source>A display name cannot be empty.</source>
        <translation>显示名称不能为空。</translation>
    </message>
    <message>
        <source>This is the device you are using; unlink it from another of your devices.</source>
        <translation>这是你正在使用的设备；请在你的另一台设备上解除它的关联。</translation>
    </message>
    <message>
        <source>A person&apos;s contributions are shown to them and to their teachers only.</source>
        <translation>一个人的贡献只向本人和其教师显示。</translation>
    </message>
    <message>
        <source>You share no circle with that person.</source>
        <translation>你和这个人没有共同的圈子。</translation>
    </message>
    <message>
        <source>Two criteria have the same name.</source>
        <translation>有两个评分项同名。</translation>
    </message>
    <message>
        <source>Only teachers see who wrote each review.</source>
        <translation>只有教师能看到每条评审的作者。</translation>
    </message>
    <message>
        <source>A goal cannot be empty: say what to work on.</source>
        <translation>目标不能为空：说明要努力的方向。</translation>
    </message>
    <message>
        <source>Feedback cannot be empty.</source>
        <translation>反馈不能为空。</translation>
    </message>
    <message>
        <source>A reflection cannot be empty.</source>
        <translation>反思不能为空。</translation>
    </message>
    <message>
        <source>A survey needs a title.</source>
        <translation>问卷需要一个标题。</translation>
    </message>
    <message>
        <source>This invite code is not valid: {detail}.</source>
        <translation>这个邀请码无效：{detail}。</translation>
    </message>
    <message>
        <source>This room code is not valid: {detail}.</source>
        <translation>这个口令码无效：{detail}。</translation>
    </message>
    <message>
        <source>This link code is not valid: {detail}.</source>
        <translation>这个关联码无效：{detail}。</translation>
    </message>
    <message>
        <source>Cannot read {path}: {detail}.</source>
        <translation>无法读取 {path}：{detail}。</translation>
    </message>
    <message>
        <source>Cannot save {path}: {detail}.</source>
        <translation>无法保存 {path}：{detail}。</translation>
    </message>
    <message>
        <source>There is no file {path}.</source>
        <translation>没有文件 {path}。</translation>
    </message>
</context>
<context>
    <name>Files</name>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n 字节</numerusform>
        </translation>
    </message>
    <message>
        <source>{number} {unit}</source>
        <translation>{number} {unit}</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Welcome to StudyCircle</source>
        <translation>欢迎使用 StudyCircle</translation>
    </message>
    <message>
        <source>StudyCircle connects you directly with your classmates: no server, no account.
First, how should others see you?</source>
        <translation>StudyCircle 让你与同学直接相连：无需服务器，无需账号。
首先，别人看到的你叫什么？</translation>
    </message>
    <message>
        <source>Your display name</source>
        <translation>你的显示名称</translation>
    </message>
    <message>
        <source>Create a circle</source>
        <translation>创建圈子</translation>
    </message>
    <message>
        <source>The circle&apos;s name, e.g. Linear algebra</source>
        <translation>圈子名称，例如：线性代数</translation>
    </message>
    <message>
        <source>Join with an invite code</source>
        <translation>用邀请码加入</translation>
    </message>
    <message>
        <source>Paste the code someone sent you</source>
        <translation>粘贴别人发给你的邀请码</translation>
    </message>
    <message>
        <source>This is another device of mine</source>
        <translation>这是我的另一台设备</translation>
    </message>
    <message>
        <source>The link code your other device shows (Devices → Link a device…)</source>
        <translation>你另一台设备上显示的关联码（设备 → 关联设备…）</translation>
    </message>
    <message>
        <source>Try a demo circle (two sample classmates on this computer)</source>
        <translation>试用演示圈子（本机上的两位示例同学）</translation>
    </message>
    <message>
        <source>Just my notes for now</source>
        <translation>暂时只用我的笔记</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名字</translation>
    </message>
    <message>
        <source>Enter a display name.</source>
        <translation>请输入显示名称。</translation>
    </message>
    <message>
        <source>Give the circle a name.</source>
        <translation>请给圈子起个名字。</translation>
    </message>
    <message>
        <source>Paste the invite code.</source>
        <translation>请粘贴邀请码。</translation>
    </message>
    <message>
        <source>Type the link code your other device shows.</source>
        <translation>请输入你另一台设备上显示的关联码。</translation>
    </message>
</context>
<context>
    <name>GoalDialog</name>
    <message>
        <source>A goal for this cycle</source>
        <translation>本轮的目标</translation>
    </message>
    <message>
        <source>What to work on</source>
        <translation>要改进什么</translation>
    </message>
    <message>
        <source>What success looks like</source>
        <translation>成功是什么样子</translation>
    </message>
    <message>
        <source>&amp;Goal</source>
        <translation>目标(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Success</source>
        <translation>成功标准(&amp;S)</translation>
    </message>
    <message>
        <source>Both of you agree to a goal before the observation.</source>
        <translation>观察之前，你们双方都要同意目标。</translation>
    </message>
</context>
<context>
    <name>InviteDialog</name>
    <message>
        <source>Invite to the circle</source>
        <translation>邀请加入圈子</translation>
    </message>
    <message>
        <source>mentor</source>
        <translation>导师</translation>
    </message>
    <message>
        <source>teacher</source>
        <translation>教师</translation>
    </message>
    <message>
        <source>student</source>
        <translation>学生</translation>
    </message>
    <message>
        <source> hours</source>
        <translation> 小时</translation>
    </message>
    <message>
        <source>Make invite code</source>
        <translation>生成邀请码</translation>
    </message>
    <message>
        <source>Make a room code (to read aloud)</source>
        <translation>生成口令码（用于当面念出）</translation>
    </message>
    <message>
        <source>A short code such as 7-guitar-harbor, for people on this network, for 10 minutes</source>
        <translation>一个简短的口令，如 7-guitar-harbor，供同一网络中的人在 10 分钟内使用</translation>
    </message>
    <message>
        <source>The code appears here: send it to the person you invite.</source>
        <translation>邀请码会显示在这里：把它发给你邀请的人。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Uses</source>
        <translation>可用次数</translation>
    </message>
    <message>
        <source>Expires in</source>
        <translation>有效期</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
</context>
<context>
    <name>ItemMenu</name>
    <message>
        <source>Saved to My notes.</source>
        <translation>已保存到我的笔记。</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Edit {kind}</source>
        <translation>编辑{kind}</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete your {kind}?</source>
        <translation>删除你的这条{kind}？</translation>
    </message>
    <message>
        <source>It is deleted for everyone in the circle, and cannot be brought back.</source>
        <translation>它将为圈子里的所有人删除，且无法恢复。</translation>
    </message>
    <message>
        <source>message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>thread</source>
        <translation>话题</translation>
    </message>
    <message>
        <source>help request</source>
        <translation>求助</translation>
    </message>
    <message>
        <source>answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>progress note</source>
        <translation>进展说明</translation>
    </message>
    <message>
        <source>resource</source>
        <translation>资源</translation>
    </message>
    <message>
        <source>item</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>someone</source>
        <translation>某人</translation>
    </message>
    <message>
        <source>Redact</source>
        <translation>抹除</translation>
    </message>
    <message>
        <source>Redact this {kind} by {author}?</source>
        <translation>抹除 {author} 的这条{kind}？</translation>
    </message>
    <message>
        <source>Its text is deleted for everyone in the circle, on every device, and cannot be brought back. To keep it out of students&apos; sight only, choose Hide instead.</source>
        <translation>其文字将从圈子里所有人的所有设备上删除，且无法恢复。如果只是不想让学生看到，请改用“隐藏”。</translation>
    </message>
    <message>
        <source>Hide from students</source>
        <translation>对学生隐藏</translation>
    </message>
    <message>
        <source>Unhide</source>
        <translation>取消隐藏</translation>
    </message>
    <message>
        <source>Lock (no new replies)</source>
        <translation>锁定（不再接受新回复）</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解除锁定</translation>
    </message>
    <message>
        <source>Redact (delete the text for everyone)</source>
        <translation>抹除（为所有人删除文字）</translation>
    </message>
    <message>
        <source>Save to my notes</source>
        <translation>保存到我的笔记</translation>
    </message>
</context>
<context>
    <name>Launch</name>
    <message>
        <source>demo: an in-memory network on this computer</source>
        <translation>演示：本机上的内存网络</translation>
    </message>
    <message>
        <source>Starting the demo classmates…</source>
        <translation>正在启动演示同学…</translation>
    </message>
    <message>
        <source>Left the demo circle of an earlier run (its classmates were a demo).</source>
        <translation>已退出上次运行时的演示圈子（其中的同学只是演示）。</translation>
    </message>
</context>
<context>
    <name>LeaveDialog</name>
    <message>
        <source>Leave circle</source>
        <translation>退出圈子</translation>
    </message>
    <message>
        <source>Leave “{name}”?</source>
        <translation>退出“{name}”？</translation>
    </message>
    <message>
        <source>What it holds stays on this device, but you will no longer receive what its members write, nor write there. To come back you need a new invite.</source>
        <translation>圈子里的内容会保留在本设备上，但你将不再收到成员写的内容，也不能再在其中发言。想回来需要新的邀请。</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>LinkDeviceDialog</name>
    <message>
        <source>Link a device</source>
        <translation>关联设备</translation>
    </message>
    <message>
        <source>Making a link code…</source>
        <translation>正在生成关联码…</translation>
    </message>
    <message>
        <source>Starting the network…</source>
        <translation>正在启动网络…</translation>
    </message>
    <message>
        <source>On your new device, start StudyCircle and choose “This is a new device of mine…” (or run `studycircle device join CODE`), then type this code. It works once, for a few minutes, on this network; 3 wrong tries lock it. Waiting…</source>
        <translation>在你的新设备上启动 StudyCircle，选择“这是我的新设备…”（或运行 `studycircle device join CODE`），然后输入此关联码。它只能在本网络中使用一次，几分钟内有效；输错 3 次即锁定。正在等待…</translation>
    </message>
    <message>
        <source>Linked «{name}»: it now holds your {spaces} circles and notes.</source>
        <translation>已关联「{name}」：它现在拥有你的 {spaces} 个圈子和笔记。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>StudyCircle — {name}</source>
        <translation>StudyCircle — {name}</translation>
    </message>
    <message>
        <source>Opening the circle: StudyCircle is starting…</source>
        <translation>正在打开圈子：StudyCircle 正在启动…</translation>
    </message>
    <message>
        <source>Peers</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>StudyCircle</source>
        <translation>StudyCircle</translation>
    </message>
    <message>
        <source>You left {name}.</source>
        <translation>你已退出 {name}。</translation>
    </message>
    <message>
        <source>New circle</source>
        <translation>新建圈子</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>圈子名称</translation>
    </message>
    <message>
        <source>e.g. Linear algebra, group B</source>
        <translation>例如：线性代数 B 组</translation>
    </message>
    <message>
        <source>Join a circle</source>
        <translation>加入圈子</translation>
    </message>
    <message>
        <source>Invite or room code</source>
        <translation>邀请码或口令码</translation>
    </message>
    <message>
        <source>Joining: starting the network first…</source>
        <translation>正在加入：先启动网络…</translation>
    </message>
    <message>
        <source>Joining: looking for a member of the circle…</source>
        <translation>正在加入：正在寻找圈子成员…</translation>
    </message>
    <message>
        <source>No member of the circle is reachable yet: you&apos;ll be admitted automatically when one is.</source>
        <translation>暂时联系不到圈子里的成员：一旦联系上，你会被自动接纳。</translation>
    </message>
    <message>
        <source>This is a new device of mine</source>
        <translation>这是我的新设备</translation>
    </message>
    <message>
        <source>Link code from your other device</source>
        <translation>来自你另一台设备的关联码</translation>
    </message>
    <message>
        <source>Linking: looking for your other device…</source>
        <translation>正在关联：正在寻找你的另一台设备…</translation>
    </message>
    <message>
        <source>This device was already linked to {name}; its history is up to date.</source>
        <translation>此设备已关联到 {name}；历史记录已是最新。</translation>
    </message>
    <message>
        <source>Linked to {name}&apos;s device: {spaces} circles and notes.</source>
        <translation>已关联到 {name} 的设备：{spaces} 个圈子和笔记。</translation>
    </message>
    <message>
        <source>Could not connect to {address}: {error}</source>
        <translation>无法连接到 {address}：{error}</translation>
    </message>
    <message>
        <source>&amp;Circle</source>
        <translation>圈子(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;New circle…</source>
        <translation>新建圈子(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Join with an invite code…</source>
        <translation>用邀请码加入(&amp;J)…</translation>
    </message>
    <message>
        <source>&amp;Leave circle…</source>
        <translation>退出圈子(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出程序(&amp;Q)</translation>
    </message>
    <message>
        <source>Teacher&apos;s &amp;desk</source>
        <translation>教师工作台(&amp;D)</translation>
    </message>
    <message>
        <source>C&amp;oaching</source>
        <translation>同伴互导(&amp;O)</translation>
    </message>
    <message>
        <source>My &amp;contributions</source>
        <translation>我的贡献(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Network</source>
        <translation>网络(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Peers</source>
        <translation>节点(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Connect to address…</source>
        <translation>连接到地址(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Devices</source>
        <translation>设备(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Link a device…</source>
        <translation>关联设备(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;My devices…</source>
        <translation>我的设备(&amp;M)…</translation>
    </message>
    <message>
        <source>This is a &amp;new device of mine…</source>
        <translation>这是我的新设备(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;New thread / note</source>
        <translation>新建话题 / 笔记(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <source>Search &amp;everywhere…</source>
        <translation>全局搜索(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Sidebar</source>
        <translation>侧边栏(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>Send (a reply, an answer, a chat line)</source>
        <translation>发送（回复、回答、聊天消息）</translation>
    </message>
    <message>
        <source>Save the note being edited</source>
        <translation>保存正在编辑的笔记</translation>
    </message>
    <message>
        <source>Save the selected thread, reply or answer to My notes</source>
        <translation>将选中的话题、回复或回答保存到我的笔记</translation>
    </message>
    <message>
        <source>Open the row chosen (a desk row opens its item in its circle)</source>
        <translation>打开选中的行（工作台中的行会在其圈子里打开对应内容）</translation>
    </message>
    <message>
        <source>Coaching: My pairs, Find a coach, Messages</source>
        <translation>同伴互导：我的搭档、寻找教练、私信</translation>
    </message>
    <message>
        <source>Edit the chosen assignment (Assignments tab, teachers)</source>
        <translation>编辑所选作业（作业标签页，教师）</translation>
    </message>
    <message>
        <source>Move between fields (the review form, the dialogs)</source>
        <translation>在输入框之间切换（评阅表单、对话框）</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
</context>
<context>
    <name>Marks</name>
    <message>
        <source>hidden</source>
        <translation>已隐藏</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>redacted</source>
        <translation>已抹除</translation>
    </message>
    <message>
        <source>, </source>
        <comment>list separator</comment>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>ObservationDialog</name>
    <message>
        <source>Record an observation</source>
        <translation>记录观察</translation>
    </message>
    <message>
        <source>Describe, do not grade. Focus: what they asked you to look at. Evidence: what you saw and heard (words, times, counts). Questions: what you would ask them.</source>
        <translation>描述，不要评分。关注点：对方请你观察什么。证据：你看到和听到的（原话、时间、次数）。问题：你想问对方什么。</translation>
    </message>
    <message>
        <source>e.g. waited about 1 s after 4 of 6 questions</source>
        <translation>例如：6 个问题中有 4 个之后只等了约 1 秒</translation>
    </message>
    <message>
        <source>e.g. what made you move on?</source>
        <translation>例如：是什么让你接着往下讲？</translation>
    </message>
    <message>
        <source>Goals: {goals}</source>
        <translation>目标：{goals}</translation>
    </message>
    <message>
        <source>&amp;Focus</source>
        <translation>关注点(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Evidence</source>
        <translation>证据(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Questions</source>
        <translation>问题(&amp;Q)</translation>
    </message>
</context>
<context>
    <name>PairSteps</name>
    <message>
        <source>Open a cycle</source>
        <translation>开启一轮</translation>
    </message>
    <message>
        <source>Set a goal</source>
        <translation>设定目标</translation>
    </message>
    <message>
        <source>Agree to the goals</source>
        <translation>同意目标</translation>
    </message>
    <message>
        <source>Waiting for both to agree to the goals</source>
        <translation>等待双方同意目标</translation>
    </message>
    <message>
        <source>Record an observation</source>
        <translation>记录观察</translation>
    </message>
    <message>
        <source>Waiting for the observation</source>
        <translation>等待观察记录</translation>
    </message>
    <message>
        <source>Respond to feedback</source>
        <translation>回应反馈</translation>
    </message>
    <message>
        <source>Write your reflection</source>
        <translation>写下你的反思</translation>
    </message>
    <message>
        <source>Close the cycle</source>
        <translation>结束本轮</translation>
    </message>
    <message>
        <source>Waiting for the other person to accept</source>
        <translation>等待对方接受</translation>
    </message>
    <message>
        <source>This pair has ended</source>
        <translation>此搭档关系已结束</translation>
    </message>
</context>
<context>
    <name>QtAssignments</name>
    <message>
        <source>New assignment…</source>
        <translation>新建作业…</translation>
    </message>
    <message>
        <source>Edit assignment…</source>
        <translation>编辑作业…</translation>
    </message>
    <message>
        <source>Edit the chosen assignment (Ctrl+E)</source>
        <translation>编辑所选作业（Ctrl+E）</translation>
    </message>
    <message>
        <source>Choose an assignment.</source>
        <translation>请选择一项作业。</translation>
    </message>
    <message>
        <source>Brief</source>
        <translation>作业说明</translation>
    </message>
    <message>
        <source>My work</source>
        <translation>我的作业</translation>
    </message>
    <message>
        <source>Reviews to do</source>
        <translation>待评阅</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Assessment</source>
        <translation>评定</translation>
    </message>
    <message>
        <source>Write your work here (Markdown), or drop or attach a text file</source>
        <translation>在这里写作业（支持 Markdown），也可以拖入文本文件或将其添加为附件</translation>
    </message>
    <message>
        <source>What I changed since the version reviewed</source>
        <translation>相比被评阅的版本，我做了哪些修改</translation>
    </message>
    <message>
        <source>Attach a file…</source>
        <translation>添加附件…</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>Send review</source>
        <translation>发送评阅</translation>
    </message>
    <message>
        <source>Helpful: </source>
        <translation>有用程度：</translation>
    </message>
    <message>
        <source> of 5</source>
        <translation> / 5</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>评分</translation>
    </message>
    <message>
        <source>Student</source>
        <translation>学生</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Reviews received</source>
        <translation>收到的评阅</translation>
    </message>
    <message>
        <source>Reviews written</source>
        <translation>写出的评阅</translation>
    </message>
    <message>
        <source>Open the next phase…</source>
        <translation>开启下一阶段…</translation>
    </message>
    <message>
        <source>Change reviewers…</source>
        <translation>更改评阅人…</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>版本数</translation>
    </message>
    <message>
        <source>Peer score</source>
        <translation>互评得分</translation>
    </message>
    <message>
        <source>Reviewing</source>
        <translation>评阅任务</translation>
    </message>
    <message>
        <source>Suggested</source>
        <translation>建议成绩</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>成绩</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>评语</translation>
    </message>
    <message>
        <source>Assess…</source>
        <translation>评定…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>&lt;b&gt;{title}&lt;/b&gt; — {phase}; {n} submitted</source>
        <translation>&lt;b&gt;{title}&lt;/b&gt; — {phase}；已提交 {n} 份</translation>
    </message>
    <message>
        <source>Submitted: {listed}</source>
        <translation>已提交：{listed}</translation>
    </message>
    <message>
        <source>Nothing submitted yet.</source>
        <translation>还没有提交。</translation>
    </message>
    <message>
        <source>Submit a new version</source>
        <translation>提交新版本</translation>
    </message>
    <message>
        <source>(Submitting is closed in the {phase} phase.)</source>
        <translation>（{phase} 阶段不能提交。）</translation>
    </message>
    <message>
        <source>Attach a file</source>
        <translation>添加附件</translation>
    </message>
    <message>
        <source>Cannot read {path}: {error}</source>
        <translation>无法读取 {path}：{error}</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>to do</source>
        <translation>待完成</translation>
    </message>
    <message>
        <source>Submission {n} (version {v}) — {status}</source>
        <translation>提交 {n}（第 {v} 版）— {status}</translation>
    </message>
    <message>
        <source>No reviews to do now.</source>
        <translation>目前没有待评阅的作业。</translation>
    </message>
    <message>
        <source>Changed since version {n}, which you reviewed</source>
        <translation>自你评阅过的第 {n} 版以来的修改</translation>
    </message>
    <message>
        <source> — the author&apos;s note: *{note}*</source>
        <translation> —— 作者的说明：*{note}*</translation>
    </message>
    <message>
        <source>Version {n}</source>
        <translation>第 {n} 版</translation>
    </message>
    <message>
        <source>Send again (replaces)</source>
        <translation>重新发送（替换之前的评阅）</translation>
    </message>
    <message>
        <source>Round {n}</source>
        <translation>第 {n} 轮</translation>
    </message>
    <message>
        <source>{label} (on version {n})</source>
        <translation>{label}（针对第 {n} 版）</translation>
    </message>
    <message>
        <source>You rated it {n} of 5.</source>
        <translation>你给它的评分为 {n}/5。</translation>
    </message>
    <message>
        <source>Your scores beside the other reviewers&apos; (after each round)</source>
        <translation>你的评分与其他评阅人的对比（每轮结束后显示）</translation>
    </message>
    <message>
        <source>Round {round}, work {n}: you gave {mine}; the others gave {others}</source>
        <translation>第 {round} 轮，作品 {n}：你的评分 {mine}；其他评审者的评分 {others}</translation>
    </message>
    <message>
        <source>Round {round}, work {n}: you gave {mine}; no one else reviewed it</source>
        <translation>第 {round} 轮，作品 {n}：你的评分 {mine}；没有其他人评审这份作品</translation>
    </message>
    <message>
        <source>No feedback yet.</source>
        <translation>还没有反馈。</translation>
    </message>
    <message>
        <source>not submitted</source>
        <translation>未提交</translation>
    </message>
    <message>
        <source>Open {phase}…</source>
        <translation>开启 {phase} 阶段…</translation>
    </message>
    <message>
        <source>The assignment is closed</source>
        <translation>作业已结束</translation>
    </message>
    <message>
        <source>Open {phase}?</source>
        <translation>开启 {phase} 阶段？</translation>
    </message>
    <message>
        <source>Open {phase}</source>
        <translation>开启 {phase} 阶段</translation>
    </message>
    <message>
        <source>Select a student to see the reviews of their work.</source>
        <translation>选择一名学生，查看其作业收到的评阅。</translation>
    </message>
    <message>
        <source>{name}: suggested {grade}</source>
        <translation>{name}：建议成绩 {grade}</translation>
    </message>
    <message>
        <source>Peer score {peer} (the reviewers&apos; per-criterion medians, weighted); reviewing grade {reviewing}; peer weight {weight}%.</source>
        <translation>同伴评分 {peer}（各评阅人逐项评分的中位数，加权）；评阅成绩 {reviewing}；同伴评分权重 {weight}%。</translation>
    </message>
    <message>
        <source> — rated {n}/5</source>
        <translation> —— 被评为 {n}/5</translation>
    </message>
    <message>
        <source>flagged by the author</source>
        <translation>作者已标记</translation>
    </message>
    <message>
        <source>Round {n}, by {writer}</source>
        <translation>第 {n} 轮，评阅人 {writer}</translation>
    </message>
    <message>
        <source>Export the gradebook</source>
        <translation>导出成绩册</translation>
    </message>
    <message>
        <source>Cannot write {path}: {error}</source>
        <translation>无法写入 {path}：{error}</translation>
    </message>
</context>
<context>
    <name>QtChat</name>
    <message>
        <source>No messages yet — say hello below.</source>
        <translation>还没有消息——在下面打个招呼吧。</translation>
    </message>
    <message>
        <source>Say something to the circle…</source>
        <translation>对圈子说点什么…</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>(redacted by a teacher)</source>
        <translation>（已被教师抹除）</translation>
    </message>
</context>
<context>
    <name>QtCircle</name>
    <message>
        <source>Discussion</source>
        <translation>讨论</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Help desk</source>
        <translation>求助台</translation>
    </message>
    <message>
        <source>Assignments</source>
        <translation>作业</translation>
    </message>
    <message>
        <source>Resources</source>
        <translation>资源</translation>
    </message>
    <message>
        <source>Surveys</source>
        <translation>问卷</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>成员</translation>
    </message>
</context>
<context>
    <name>QtCircleHeader</name>
    <message>
        <source>You own this circle</source>
        <translation>你是此圈子的创建者</translation>
    </message>
    <message>
        <source>You are a teacher</source>
        <translation>你是教师</translation>
    </message>
    <message>
        <source>You are a mentor</source>
        <translation>你是导师</translation>
    </message>
    <message>
        <source>You are a student</source>
        <translation>你是学生</translation>
    </message>
    <message numerus="yes">
        <source>%n (person/people)</source>
        <translation>
            <numerusform>%n 人</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QtCoaching</name>
    <message>
        <source>My &amp;pairs</source>
        <translation>我的搭档(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Find a coach</source>
        <translation>寻找教练(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Messages</source>
        <translation>私信(&amp;M)</translation>
    </message>
</context>
<context>
    <name>QtComposer</name>
    <message>
        <source>Send (Ctrl+Enter)</source>
        <translation>发送（Ctrl+Enter）</translation>
    </message>
</context>
<context>
    <name>QtDesk</name>
    <message>
        <source>Teacher&apos;s desk: reading…</source>
        <translation>教师工作台：正在读取…</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>已等待</translation>
    </message>
    <message>
        <source>Circle</source>
        <translation>圈子</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>求助</translation>
    </message>
    <message>
        <source>Asked by</source>
        <translation>提问者</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Assignment</source>
        <translation>作业</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>Reviews done</source>
        <translation>已完成评阅</translation>
    </message>
    <message>
        <source>Late</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>Help requests</source>
        <translation>求助</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>Waiting for</source>
        <translation>等待时长</translation>
    </message>
    <message>
        <source>Open requests</source>
        <translation>待处理求助</translation>
    </message>
    <message>
        <source>Unanswered</source>
        <translation>未回答</translation>
    </message>
    <message>
        <source>Help requests waiting (oldest first)</source>
        <translation>等待中的求助（最早的在前）</translation>
    </message>
    <message>
        <source>Review progress</source>
        <translation>互评进度</translation>
    </message>
    <message>
        <source>Who is stuck</source>
        <translation>谁遇到了困难</translation>
    </message>
    <message>
        <source>1 circle</source>
        <translation>1 个圈子</translation>
    </message>
    <message>
        <source>{n} circles</source>
        <translation>{n} 个圈子</translation>
    </message>
    <message>
        <source>Teacher&apos;s desk — {where} where you teach or mentor</source>
        <translation>教师工作台 — 你担任教师或导师的 {where}</translation>
    </message>
    <message>
        <source>Teacher&apos;s desk — you are not a teacher or mentor in any circle yet.</source>
        <translation>教师工作台 — 你还不是任何圈子的教师或导师。</translation>
    </message>
    <message>
        <source>… and {n} newer requests not listed.</source>
        <translation>… 另有 {n} 条较新的求助未列出。</translation>
    </message>
    <message>
        <source>escalated</source>
        <translation>已上报</translation>
    </message>
    <message>
        <source>claimed by you</source>
        <translation>已由你认领</translation>
    </message>
</context>
<context>
    <name>QtDiscussion</name>
    <message>
        <source>New thread…</source>
        <translation>新话题…</translation>
    </message>
    <message>
        <source>Start a thread (Ctrl+N)</source>
        <translation>发起话题（Ctrl+N）</translation>
    </message>
    <message>
        <source>No replies yet.</source>
        <translation>还没有回复。</translation>
    </message>
    <message>
        <source>No threads yet — start one with New thread… (Ctrl+N).</source>
        <translation>还没有话题——用“新话题…”（Ctrl+N）发起一个。</translation>
    </message>
    <message>
        <source>Write a reply (Markdown)…</source>
        <translation>写回复（支持 Markdown）…</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>Save to my notes</source>
        <translation>保存到我的笔记</translation>
    </message>
    <message numerus="yes">
        <source>%Ln thread(s)</source>
        <translation>
            <numerusform>%Ln 个话题</numerusform>
        </translation>
    </message>
    <message>
        <source>*Select a thread, or start one with Ctrl+N.*</source>
        <translation>*选择一个话题，或按 Ctrl+N 发起一个。*</translation>
    </message>
    <message>
        <source>*{who}, {when}*</source>
        <translation>*{who}，{when}*</translation>
    </message>
    <message>
        <source>*(redacted by a teacher)*</source>
        <translation>*（已被教师抹除）*</translation>
    </message>
    <message>
        <source>{who}, {when}</source>
        <translation>{who}，{when}</translation>
    </message>
    <message>
        <source>New thread</source>
        <translation>新话题</translation>
    </message>
    <message>
        <source>What is it about?</source>
        <translation>关于什么？</translation>
    </message>
    <message>
        <source>Say more (Markdown)</source>
        <translation>详细说说（支持 Markdown）</translation>
    </message>
</context>
<context>
    <name>QtFindCoach</name>
    <message>
        <source>My profile in this circle</source>
        <translation>我在本圈子的资料</translation>
    </message>
    <message>
        <source>tags, e.g. questioning, group-work</source>
        <translation>标签，例如：提问, 小组合作</translation>
    </message>
    <message>
        <source>a sentence</source>
        <translation>一句话</translation>
    </message>
    <message>
        <source>tags, e.g. feedback</source>
        <translation>标签，例如：反馈</translation>
    </message>
    <message>
        <source>&amp;Save my profile</source>
        <translation>保存我的资料(&amp;S)</translation>
    </message>
    <message>
        <source>I can help &amp;with</source>
        <translation>我能帮忙的(&amp;W)</translation>
    </message>
    <message>
        <source>I want to wor&amp;k on</source>
        <translation>我想改进的(&amp;K)</translation>
    </message>
    <message>
        <source>a tag, e.g. questioning (empty: everyone)</source>
        <translation>一个标签，例如：提问（留空：所有人）</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>Can help with</source>
        <translation>能帮忙的</translation>
    </message>
    <message>
        <source>Wants to work on</source>
        <translation>想改进的</translation>
    </message>
    <message>
        <source>Nobody in this circle has a profile with that yet.</source>
        <translation>本圈子里还没有人的资料包含这一项。</translation>
    </message>
    <message>
        <source>Coach me &amp;on…</source>
        <translation>请指导我(&amp;O)…</translation>
    </message>
    <message>
        <source>Propose a &amp;reciprocal pair</source>
        <translation>提议互助搭档(&amp;R)</translation>
    </message>
    <message>
        <source>Send a messa&amp;ge…</source>
        <translation>发送私信(&amp;G)…</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来自</translation>
    </message>
    <message>
        <source>Offer</source>
        <translation>邀请</translation>
    </message>
    <message>
        <source>No offers waiting for you.</source>
        <translation>没有等你回复的邀请。</translation>
    </message>
    <message>
        <source>&amp;Accept</source>
        <translation>接受(&amp;A)</translation>
    </message>
    <message>
        <source>Dec&amp;line</source>
        <translation>拒绝(&amp;L)</translation>
    </message>
    <message>
        <source>Suggested by</source>
        <translation>建议人</translation>
    </message>
    <message>
        <source>Pair with</source>
        <translation>搭档对象</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Take &amp;up: propose to them</source>
        <translation>采纳：向对方提议(&amp;U)</translation>
    </message>
    <message>
        <source>C&amp;ircle</source>
        <translation>圈子(&amp;I)</translation>
    </message>
    <message>
        <source>Browse by &amp;tag</source>
        <translation>按标签浏览(&amp;T)</translation>
    </message>
    <message>
        <source>Offers to you</source>
        <translation>给你的邀请</translation>
    </message>
    <message>
        <source>A teacher suggests</source>
        <translation>教师建议</translation>
    </message>
    <message>
        <source>a coaching pair</source>
        <translation>同伴互导搭档</translation>
    </message>
    <message>
        <source>a conversation</source>
        <translation>一段对话</translation>
    </message>
    <message>
        <source>Profile saved: your circle can find you by these tags.</source>
        <translation>资料已保存：圈子成员可以按这些标签找到你。</translation>
    </message>
    <message>
        <source>Choose a member first.</source>
        <translation>请先选择一位成员。</translation>
    </message>
    <message>
        <source>Offered to {name}: the pair forms when they accept.</source>
        <translation>已向 {name} 发出邀请：对方接受后即结成搭档。</translation>
    </message>
    <message>
        <source>Coach me on…</source>
        <translation>请指导我…</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>e.g. questioning</source>
        <translation>例如：提问</translation>
    </message>
    <message>
        <source>Conversation offered to {name}: you can write once they accept.</source>
        <translation>已向 {name} 发出对话邀请：对方接受后即可发消息。</translation>
    </message>
    <message>
        <source>The network is still starting: try again in a moment.</source>
        <translation>网络仍在启动：请稍后再试。</translation>
    </message>
    <message>
        <source>Accepted: you are a pair.</source>
        <translation>已接受：你们结成了搭档。</translation>
    </message>
    <message>
        <source>Accepted.</source>
        <translation>已接受。</translation>
    </message>
    <message>
        <source>Joining: fetching it from {name}…</source>
        <translation>正在加入：正在从 {name} 处获取…</translation>
    </message>
    <message>
        <source>Declined.</source>
        <translation>已拒绝。</translation>
    </message>
</context>
<context>
    <name>QtHelpDesk</name>
    <message>
        <source>All requests</source>
        <translation>全部求助</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>Mine</source>
        <translation>我的</translation>
    </message>
    <message>
        <source>Claimed by me</source>
        <translation>我认领的</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>已上报</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <source>Ask for help…</source>
        <translation>求助…</translation>
    </message>
    <message>
        <source>No answers yet.</source>
        <translation>还没有回答。</translation>
    </message>
    <message>
        <source>Answers and progress notes, oldest first</source>
        <translation>回答和进展说明，按时间先后排列</translation>
    </message>
    <message>
        <source>Save to my notes</source>
        <translation>保存到我的笔记</translation>
    </message>
    <message>
        <source>Claim</source>
        <translation>认领</translation>
    </message>
    <message>
        <source>Escalate to a teacher</source>
        <translation>上报给教师</translation>
    </message>
    <message>
        <source>Me too</source>
        <translation>我也需要</translation>
    </message>
    <message>
        <source>Mark resolved</source>
        <translation>标为已解决</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>重新打开</translation>
    </message>
    <message>
        <source>I need this too: the helpers see how many do</source>
        <translation>我也需要：帮忙的人能看到有多少人需要</translation>
    </message>
    <message>
        <source>Write an answer (Markdown)…</source>
        <translation>写回答（支持 Markdown）…</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>No request matches this filter.</source>
        <translation>没有符合此筛选条件的求助。</translation>
    </message>
    <message>
        <source>No help requests yet — ask with Ask for help… (Ctrl+N).</source>
        <translation>还没有求助——用“求助…”（Ctrl+N）提问。</translation>
    </message>
    <message>
        <source>*Select a request, or ask for help.*</source>
        <translation>*选择一条求助，或者发起求助。*</translation>
    </message>
    <message>
        <source>Answer by {who}</source>
        <translation>{who} 的回答</translation>
    </message>
    <message>
        <source>Accepted answer by {who}</source>
        <translation>{who} 的已采纳回答</translation>
    </message>
    <message>
        <source>Progress from {who}</source>
        <translation>{who} 的进展</translation>
    </message>
    <message>
        <source>*(redacted by a teacher)*</source>
        <translation>*（已被教师抹除）*</translation>
    </message>
    <message numerus="yes">
        <source>(%n thank-you(s))</source>
        <translation>
            <numerusform>（%n 次感谢）</numerusform>
        </translation>
    </message>
    <message>
        <source>{who}, {when}</source>
        <translation>{who}，{when}</translation>
    </message>
    <message>
        <source>Accept this answer</source>
        <translation>采纳此回答</translation>
    </message>
    <message>
        <source>It solved my problem: mark the request resolved by this answer</source>
        <translation>它解决了我的问题：将此求助标为由该回答解决</translation>
    </message>
    <message>
        <source>Thanked ✓</source>
        <translation>已感谢 ✓</translation>
    </message>
    <message>
        <source>Thank</source>
        <translation>感谢</translation>
    </message>
    <message>
        <source>Say thank you to {who}</source>
        <translation>向 {who} 道谢</translation>
    </message>
    <message>
        <source>open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>claimed</source>
        <translation>已认领</translation>
    </message>
    <message>
        <source>escalated</source>
        <translation>已上报</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <source>Status: **{status}**</source>
        <translation>状态：**{status}**</translation>
    </message>
    <message>
        <source>claimed by {names}</source>
        <translation>由 {names} 认领</translation>
    </message>
    <message>
        <source>, </source>
        <comment>list separator</comment>
        <translation>、</translation>
    </message>
    <message numerus="yes">
        <source>%n also need(s/) this</source>
        <translation>
            <numerusform>另有 %n 人也需要</numerusform>
        </translation>
    </message>
    <message>
        <source>*asked by {who}, {when}*</source>
        <translation>*{who} 提问，{when}*</translation>
    </message>
    <message>
        <source>Me too ✓</source>
        <translation>我也需要 ✓</translation>
    </message>
    <message>
        <source>Report progress</source>
        <translation>报告进展</translation>
    </message>
    <message>
        <source>How is it going? (Markdown)…</source>
        <translation>进展如何？（支持 Markdown）…</translation>
    </message>
    <message>
        <source>Ask for help</source>
        <translation>求助</translation>
    </message>
    <message>
        <source>In a few words: what are you stuck on?</source>
        <translation>简单说说：你卡在哪里了？</translation>
    </message>
    <message>
        <source>What did you try? (Markdown)</source>
        <translation>你尝试过什么？（支持 Markdown）</translation>
    </message>
</context>
<context>
    <name>QtMembers</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Helped</source>
        <translation>帮助</translation>
    </message>
    <message>
        <source>Invite…</source>
        <translation>邀请…</translation>
    </message>
    <message>
        <source>owner</source>
        <translation>创建者</translation>
    </message>
    <message>
        <source>teacher</source>
        <translation>教师</translation>
    </message>
    <message>
        <source>mentor</source>
        <translation>导师</translation>
    </message>
    <message>
        <source>student</source>
        <translation>学生</translation>
    </message>
    <message>
        <source>Make a student</source>
        <translation>设为学生</translation>
    </message>
    <message>
        <source>, </source>
        <comment>list separator</comment>
        <translation>、</translation>
    </message>
    <message numerus="yes">
        <source>%n answer(s)</source>
        <translation>
            <numerusform>%n 个回答</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n accepted</source>
        <translation>
            <numerusform>%n 个被采纳</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n thank-you(s)</source>
        <translation>
            <numerusform>%n 次感谢</numerusform>
        </translation>
    </message>
    <message>
        <source> (you)</source>
        <translation>（你）</translation>
    </message>
    <message>
        <source> · {n} devices</source>
        <translation> · {n} 台设备</translation>
    </message>
    <message>
        <source>Appoint as mentor</source>
        <translation>任命为导师</translation>
    </message>
    <message>
        <source>Appoint as teacher</source>
        <translation>任命为教师</translation>
    </message>
    <message>
        <source>Remove from the circle</source>
        <translation>移出圈子</translation>
    </message>
    <message>
        <source>Remove {name} from {circle}?</source>
        <translation>将 {name} 移出 {circle}？</translation>
    </message>
    <message>
        <source>They will no longer receive what is written in the circle, nor write there; what they wrote stays. To come back they need a new invite.</source>
        <translation>对方将不再收到圈子里写的内容，也不能再在其中发言；其已写的内容会保留。想回来需要新的邀请。</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移出</translation>
    </message>
    <message>
        <source>Starting the network…</source>
        <translation>正在启动网络…</translation>
    </message>
</context>
<context>
    <name>QtMessages</name>
    <message>
        <source>No conversations yet — start one from Find a coach, Send a message…</source>
        <translation>还没有对话 —— 在“寻找教练”中点“发送私信…”开始一段。</translation>
    </message>
    <message>
        <source>Write a message…</source>
        <translation>写一条消息…</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>发送(&amp;S)</translation>
    </message>
</context>
<context>
    <name>QtNotes</name>
    <message>
        <source>Search notes (Ctrl+F)</source>
        <translation>搜索笔记（Ctrl+F）</translation>
    </message>
    <message>
        <source>New note</source>
        <translation>新笔记</translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation>Ctrl+N</translation>
    </message>
    <message>
        <source>New reflection</source>
        <translation>新建反思</translation>
    </message>
    <message>
        <source>A journal entry from prompts: what happened, what you noticed, what you will try next</source>
        <translation>按提示写的日志条目：发生了什么、你注意到了什么、下次你要尝试什么</translation>
    </message>
    <message>
        <source>Reflections only</source>
        <translation>仅显示反思</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>tags, separated by commas</source>
        <translation>标签，用逗号分隔</translation>
    </message>
    <message>
        <source>Write in Markdown; link other notes with [[Their title]].</source>
        <translation>用 Markdown 书写；用 [[笔记标题]] 链接其他笔记。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Ctrl+S</source>
        <translation>Ctrl+S</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>分享</translation>
    </message>
    <message>
        <source>Share to a circle&apos;s resources, or into a coaching pair</source>
        <translation>分享到圈子的资源，或分享到教练搭档</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Delete this note (it asks first)</source>
        <translation>删除这篇笔记（会先确认）</translation>
    </message>
    <message>
        <source>Linked from</source>
        <translation>被以下笔记链接</translation>
    </message>
    <message>
        <source>No note matches “{typed}”.</source>
        <translation>没有与“{typed}”匹配的笔记。</translation>
    </message>
    <message>
        <source>No reflections yet — start one with New reflection.</source>
        <translation>还没有反思——用“新建反思”开始写一篇。</translation>
    </message>
    <message>
        <source>No notes yet — write one with New note (Ctrl+N).</source>
        <translation>还没有笔记——用“新笔记”（Ctrl+N）写一篇。</translation>
    </message>
    <message>
        <source>Saved from a circle you are no longer in.</source>
        <translation>保存自一个你已退出的圈子。</translation>
    </message>
    <message>
        <source>Saved from {circle} — &lt;a href=&apos;{space}&apos;&gt;open the circle&lt;/a&gt;</source>
        <translation>保存自 {circle} — &lt;a href=&apos;{space}&apos;&gt;打开圈子&lt;/a&gt;</translation>
    </message>
    <message>
        <source>⚠ Not saved</source>
        <translation>⚠ 未保存</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>● Unsaved</source>
        <translation>● 有未保存的修改</translation>
    </message>
    <message>
        <source>Saved a second after you stop typing, or now with Ctrl+S</source>
        <translation>停止输入一秒后自动保存，或按 Ctrl+S 立即保存</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>What happened?</source>
        <translation>发生了什么？</translation>
    </message>
    <message>
        <source>What did I notice?</source>
        <translation>我注意到了什么？</translation>
    </message>
    <message>
        <source>What will I try next?</source>
        <translation>下次我要尝试什么？</translation>
    </message>
    <message>
        <source>Reflection {date}</source>
        <translation>反思 {date}</translation>
    </message>
    <message>
        <source>The note is not saved: {error}</source>
        <translation>笔记未保存：{error}</translation>
    </message>
    <message>
        <source>Delete note</source>
        <translation>删除笔记</translation>
    </message>
    <message>
        <source>Delete “{title}”?</source>
        <translation>删除“{title}”？</translation>
    </message>
    <message>
        <source>It is deleted from My notes on all your devices. Copies shared to a circle stay there.</source>
        <translation>它将从你所有设备上的我的笔记中删除。已分享到圈子的副本会保留。</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Note deleted.</source>
        <translation>笔记已删除。</translation>
    </message>
    <message>
        <source>Save the note first</source>
        <translation>请先保存笔记</translation>
    </message>
    <message>
        <source>To a circle&apos;s resources</source>
        <translation>分享到圈子的资源</translation>
    </message>
    <message>
        <source>You are in no circle yet</source>
        <translation>你还没有加入任何圈子</translation>
    </message>
    <message>
        <source>Share into pair (as a reflection)</source>
        <translation>分享到搭档（作为反思）</translation>
    </message>
    <message>
        <source>You are in no coaching pair</source>
        <translation>你还没有教练搭档</translation>
    </message>
    <message>
        <source>Shared into the pair as a reflection: your partner can comment on it.</source>
        <translation>已作为反思分享到搭档：你的搭档可以评论它。</translation>
    </message>
    <message>
        <source>Not shared: {error}</source>
        <translation>未分享：{error}</translation>
    </message>
    <message>
        <source>Shared to the circle&apos;s resources.</source>
        <translation>已分享到圈子的资源。</translation>
    </message>
</context>
<context>
    <name>QtNotifier</name>
    <message>
        <source>{who} hid your post in “{title}” ({circle}): students can&apos;t see it.</source>
        <translation>{who} 隐藏了你在“{title}”（{circle}）中的帖子：学生看不到它了。</translation>
    </message>
    <message>
        <source>{who} locked “{title}” in {circle}: no new replies.</source>
        <translation>{who} 锁定了 {circle} 中的“{title}”：不再接受新回复。</translation>
    </message>
    <message>
        <source>{who} redacted your post in “{title}” ({circle}): its text is gone.</source>
        <translation>{who} 抹除了你在“{title}”（{circle}）中的帖子：其内容已被删除。</translation>
    </message>
    <message>
        <source>Someone</source>
        <translation>有人</translation>
    </message>
    <message>
        <source>New answer to your request</source>
        <translation>你的求助有了新回答</translation>
    </message>
    <message>
        <source>{who} answered “{title}” in {circle}.</source>
        <translation>{who} 在 {circle} 中回答了“{title}”。</translation>
    </message>
    <message>
        <source>New help request</source>
        <translation>新的求助</translation>
    </message>
    <message>
        <source>{who} asks in {circle}: “{title}”</source>
        <translation>{who} 在 {circle} 中求助：“{title}”</translation>
    </message>
    <message>
        <source>Help request escalated</source>
        <translation>求助已上报</translation>
    </message>
    <message>
        <source>{who} escalated “{title}” in {circle}.</source>
        <translation>{who} 在 {circle} 中上报了“{title}”。</translation>
    </message>
    <message>
        <source>A teacher moderated your post</source>
        <translation>教师处理了你的帖子</translation>
    </message>
</context>
<context>
    <name>QtPairs</name>
    <message>
        <source>No pairs yet — find a coach in the next tab (Ctrl+Shift+K, then Find a coach).</source>
        <translation>还没有搭档 —— 在下一个标签页寻找教练（Ctrl+Shift+K，然后“寻找教练”）。</translation>
    </message>
    <message>
        <source>Choose a pair.</source>
        <translation>请选择一个搭档。</translation>
    </message>
    <message>
        <source>Goal</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Success looks like</source>
        <translation>成功的样子</translation>
    </message>
    <message>
        <source>Agreed by</source>
        <translation>已同意</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>谁</translation>
    </message>
    <message>
        <source>Observation and feedback</source>
        <translation>观察与反馈</translation>
    </message>
    <message>
        <source>Cycle</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Observed</source>
        <translation>被观察者</translation>
    </message>
    <message>
        <source>Goals met</source>
        <translation>已达成的目标</translation>
    </message>
    <message>
        <source>Next goals</source>
        <translation>下一步目标</translation>
    </message>
    <message>
        <source>Ne&amp;w cycle…</source>
        <translation>新的一轮(&amp;W)…</translation>
    </message>
    <message>
        <source>Add &amp;goal…</source>
        <translation>添加目标(&amp;G)…</translation>
    </message>
    <message>
        <source>Ed&amp;it goal…</source>
        <translation>编辑目标(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Agree to goals</source>
        <translation>同意目标(&amp;A)</translation>
    </message>
    <message>
        <source>Record an &amp;observation…</source>
        <translation>记录观察(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Respond…</source>
        <translation>回应(&amp;R)…</translation>
    </message>
    <message>
        <source>Write your reflec&amp;tion…</source>
        <translation>写下你的反思(&amp;T)…</translation>
    </message>
    <message>
        <source>C&amp;lose the cycle…</source>
        <translation>结束本轮(&amp;L)…</translation>
    </message>
    <message>
        <source>S&amp;hare with the circle…</source>
        <translation>与圈子分享(&amp;H)…</translation>
    </message>
    <message>
        <source>End the pair…</source>
        <translation>结束搭档关系…</translation>
    </message>
    <message>
        <source>C&amp;ycle</source>
        <translation>轮次(&amp;Y)</translation>
    </message>
    <message>
        <source>Goals</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Observations and feedback</source>
        <translation>观察与反馈</translation>
    </message>
    <message>
        <source>Reflections</source>
        <translation>反思</translation>
    </message>
    <message>
        <source>History: cycles and goals met</source>
        <translation>历史：各轮次与已达成的目标</translation>
    </message>
    <message>
        <source>ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>formed</source>
        <translation>已结成</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message numerus="yes">
        <source>%n cycle(s)</source>
        <translation>
            <numerusform>%n 轮</numerusform>
        </translation>
    </message>
    <message>
        <source> — closed</source>
        <translation> —— 已结束</translation>
    </message>
    <message>
        <source>Cycle {n}: {title} (observing {who})</source>
        <translation>第 {n} 轮：{title}（观察 {who}）</translation>
    </message>
    <message numerus="yes">
        <source>%n cycle(s) closed</source>
        <translation>
            <numerusform>已结束 %n 轮</numerusform>
        </translation>
    </message>
    <message>
        <source>(open)</source>
        <translation>（进行中）</translation>
    </message>
    <message>
        <source>nobody yet</source>
        <translation>尚无人同意</translation>
    </message>
    <message>
        <source>both: {who}</source>
        <translation>双方：{who}</translation>
    </message>
    <message>
        <source>Focus: {focus}
Evidence: {evidence}</source>
        <translation>关注点：{focus}
证据：{evidence}</translation>
    </message>
    <message>
        <source>Questions: {questions}</source>
        <translation>问题：{questions}</translation>
    </message>
    <message>
        <source>Next goals proposed</source>
        <translation>提出的下一步目标</translation>
    </message>
    <message>
        <source>No reflections yet.</source>
        <translation>还没有反思。</translation>
    </message>
    <message>
        <source>{who} asked to be coached on “{topic}”</source>
        <translation>{who} 请求在“{topic}”方面得到指导</translation>
    </message>
    <message>
        <source>Reciprocal: you coach each other on “{topic}”</source>
        <translation>互惠：你们在“{topic}”方面互相指导</translation>
    </message>
    <message>
        <source>Reciprocal: you coach each other</source>
        <translation>互惠：你们互相指导</translation>
    </message>
    <message>
        <source>Ended by {who} on {date}</source>
        <translation>由 {who} 于 {date} 结束</translation>
    </message>
    <message>
        <source>a member</source>
        <translation>一位成员</translation>
    </message>
    <message>
        <source>Observation</source>
        <translation>观察</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>Reflection</source>
        <translation>反思</translation>
    </message>
    <message>
        <source>Respond to feedback</source>
        <translation>回应反馈</translation>
    </message>
    <message>
        <source>Your response to {who}: what you noticed, what you would try.</source>
        <translation>你对 {who} 的回应：你注意到了什么，你想尝试什么。</translation>
    </message>
    <message>
        <source>Write your reflection</source>
        <translation>写下你的反思</translation>
    </message>
    <message>
        <source>What did you learn in this cycle? What will you do next?</source>
        <translation>这一轮你学到了什么？接下来你会怎么做？</translation>
    </message>
    <message>
        <source>Shared with “{circle}” as a thread.</source>
        <translation>已作为讨论帖分享到“{circle}”。</translation>
    </message>
</context>
<context>
    <name>QtPeers</name>
    <message>
        <source>Peer</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>Copy my addresses</source>
        <translation>复制我的地址</translation>
    </message>
    <message>
        <source>Connect to address…</source>
        <translation>连接到地址…</translation>
    </message>
    <message>
        <source>Peers</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>My addresses (send one to a classmate whose network hides us)</source>
        <translation>我的地址（发给网络互相看不到的同学）</translation>
    </message>
    <message>
        <source>Starting the network…</source>
        <translation>正在启动网络…</translation>
    </message>
    <message>
        <source>discovered</source>
        <translation>已发现</translation>
    </message>
    <message>
        <source>dialing</source>
        <translation>拨号中</translation>
    </message>
    <message>
        <source>handshake</source>
        <translation>握手中</translation>
    </message>
    <message>
        <source>syncing</source>
        <translation>同步中</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
    <message>
        <source>Connect to address</source>
        <translation>连接到地址</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>That is not a full address: it must end in /p2p/ and the peer&apos;s id.</source>
        <translation>这不是完整的地址：它必须以 /p2p/ 加节点 ID 结尾。</translation>
    </message>
    <message>
        <source>Connecting once the network is up…</source>
        <translation>网络启动后即连接…</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Connected.</source>
        <translation>已连接。</translation>
    </message>
    <message>
        <source>Could not connect: {error}</source>
        <translation>无法连接：{error}</translation>
    </message>
</context>
<context>
    <name>QtRecognition</name>
    <message>
        <source>Contributions</source>
        <translation>贡献</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Contributions — {who}</source>
        <translation>贡献 — {who}</translation>
    </message>
    <message>
        <source>nothing yet — every answer helps someone.</source>
        <translation>暂时还没有——每个回答都能帮到别人。</translation>
    </message>
</context>
<context>
    <name>QtResourceFiles</name>
    <message>
        <source>{n:,} bytes</source>
        <translation>{n:,} 字节</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Open {name} with the program your computer uses for it</source>
        <translation>用电脑上的默认程序打开 {name}</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>on this device</source>
        <translation>在本设备上</translation>
    </message>
    <message>
        <source>arriving… {percent} %</source>
        <translation>接收中… {percent}%</translation>
    </message>
    <message>
        <source>not here yet</source>
        <translation>尚未收到</translation>
    </message>
    <message>
        <source>It comes from a member&apos;s device while one that has it is online.</source>
        <translation>拥有此文件的成员设备在线时，会从那里传来。</translation>
    </message>
    <message>
        <source>Receiving {name}… {percent} %</source>
        <translation>正在接收 {name}… {percent}%</translation>
    </message>
    <message>
        <source>{name} is on this device.</source>
        <translation>{name} 已在本设备上。</translation>
    </message>
    <message>
        <source>{name} stopped arriving; it is asked for again soon.</source>
        <translation>{name} 的接收中断了；稍后会再次请求。</translation>
    </message>
    <message>
        <source>No program on this computer opens {path}.</source>
        <translation>这台电脑上没有能打开 {path} 的程序。</translation>
    </message>
    <message>
        <source>Save {name}</source>
        <translation>保存 {name}</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
</context>
<context>
    <name>QtResources</name>
    <message>
        <source>No resources yet — add one with Add a resource… (Ctrl+N).</source>
        <translation>还没有资源——用“添加资源…”（Ctrl+N）添加一个。</translation>
    </message>
    <message>
        <source>Add a resource…</source>
        <translation>添加资源…</translation>
    </message>
    <message>
        <source>Save to my notes</source>
        <translation>保存到我的笔记</translation>
    </message>
    <message>
        <source>*Links, notes and files people shared with the circle.*</source>
        <translation>*大家分享给圈子的链接、笔记和文件。*</translation>
    </message>
    <message>
        <source>*shared by {who}*</source>
        <translation>*由 {who} 分享*</translation>
    </message>
    <message>
        <source>Saved to My notes.</source>
        <translation>已保存到我的笔记。</translation>
    </message>
</context>
<context>
    <name>QtRoomCode</name>
    <message>
        <source>The long invite code, for a device with a camera</source>
        <translation>完整邀请码，供带摄像头的设备使用</translation>
    </message>
    <message>
        <source>Copy the long code</source>
        <translation>复制完整邀请码</translation>
    </message>
    <message>
        <source>Read it aloud: anyone on this network types it in Join a circle. For «{circle}», {uses} people within {minutes} minutes, while StudyCircle runs here; 3 wrong tries lock it.</source>
        <translation>把它念出来：同一网络中的任何人在“加入圈子”中输入即可。用于「{circle}」，{minutes} 分钟内限 {uses} 人，需本机 StudyCircle 保持运行；输错 3 次即锁定。</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>QtSearchBar</name>
    <message>
        <source>Thread</source>
        <translation>话题</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>Help request</source>
        <translation>求助</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>Progress note</source>
        <translation>进展说明</translation>
    </message>
    <message>
        <source>Resource</source>
        <translation>资源</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>1 hit</source>
        <translation>1 条结果</translation>
    </message>
    <message>
        <source>{n} hits</source>
        <translation>{n} 条结果</translation>
    </message>
    <message>
        <source>someone</source>
        <translation>某人</translation>
    </message>
    <message>
        <source>Search this circle: posts, help, resources, chat…</source>
        <translation>搜索本圈子：帖子、求助、资源、聊天…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Close the search (Esc)</source>
        <translation>关闭搜索（Esc）</translation>
    </message>
    <message>
        <source>Type a word to search for.</source>
        <translation>请输入要搜索的词。</translation>
    </message>
    <message>
        <source>Nothing found for “{text}”.</source>
        <translation>没有找到“{text}”。</translation>
    </message>
    <message>
        <source>, newest first</source>
        <translation>，最新的在前</translation>
    </message>
</context>
<context>
    <name>QtSidebar</name>
    <message>
        <source>My notes</source>
        <translation>我的笔记</translation>
    </message>
    <message>
        <source>Circle {id}…</source>
        <translation>圈子 {id}…</translation>
    </message>
    <message>
        <source>{name} — waiting</source>
        <translation>{name} — 等待中</translation>
    </message>
    <message>
        <source>Waiting to meet a member of this circle: you&apos;ll be admitted automatically when StudyCircle reaches one (on this network, or at an address the invite carries).</source>
        <translation>正在等待联系上此圈子的成员：StudyCircle 一旦联系上某位成员（在本网络中，或通过邀请码附带的地址），你就会被自动接纳。</translation>
    </message>
    <message>
        <source>{name} ({count})</source>
        <translation>{name}（{count}）</translation>
    </message>
    <message numerus="yes">
        <source>%n new post(s) since you last looked</source>
        <translation>
            <numerusform>自你上次查看以来有 %n 条新帖</numerusform>
        </translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Leave circle…</source>
        <translation>退出圈子…</translation>
    </message>
</context>
<context>
    <name>QtSurveys</name>
    <message>
        <source>Survey</source>
        <translation>问卷</translation>
    </message>
    <message>
        <source>By</source>
        <translation>发起人</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>作答方式</translation>
    </message>
    <message>
        <source>Respondents</source>
        <translation>作答人数</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>No surveys yet — start one with New survey…</source>
        <translation>还没有问卷 —— 用“新建问卷…”发起一份。</translation>
    </message>
    <message>
        <source>&amp;New survey…</source>
        <translation>新建问卷(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Answer…</source>
        <translation>作答(&amp;A)…</translation>
    </message>
    <message>
        <source>C&amp;lose survey</source>
        <translation>关闭问卷(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Join (anonymous)</source>
        <translation>加入（匿名）(&amp;J)</translation>
    </message>
    <message>
        <source>Ad&amp;mit who joined</source>
        <translation>接纳已加入者(&amp;M)</translation>
    </message>
    <message>
        <source>Re&amp;new key…</source>
        <translation>更换密钥(&amp;N)…</translation>
    </message>
    <message>
        <source>After a member has left: answers under the old key stop counting; the others join again</source>
        <translation>有成员离开后使用：旧密钥下的回答不再计入；其他人需重新加入</translation>
    </message>
    <message>
        <source>anonymous</source>
        <translation>匿名</translation>
    </message>
    <message>
        <source>named</source>
        <translation>实名</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>open</source>
        <translation>进行中</translation>
    </message>
    <message numerus="yes">
        <source>%n answer(s)</source>
        <translation>
            <numerusform>%n 份回答</numerusform>
        </translation>
    </message>
    <message>
        <source>More answers than people admitted: the person who opened the survey signed keys outside any admission.</source>
        <translation>回答数多于获准人数：发起问卷的人在批准之外另行签发了密钥。</translation>
    </message>
    <message>
        <source>Answered: {names}</source>
        <translation>已作答：{names}</translation>
    </message>
    <message>
        <source>This survey is closed.</source>
        <translation>此问卷已关闭。</translation>
    </message>
    <message>
        <source>Named: respondents&apos; names are shown with the results.</source>
        <translation>实名：结果中显示作答者的名字。</translation>
    </message>
    <message>
        <source>Your anonymous key is admitted: answer (again, to change your answer).</source>
        <translation>你的匿名密钥已被接纳：可以作答（再次作答即修改回答）。</translation>
    </message>
    <message numerus="yes">
        <source>%n (person/people) admitted so far: an answer hides among them.</source>
        <translation>
            <numerusform>目前已批准 %n 人：每条回答都隐藏在他们之中。</numerusform>
        </translation>
    </message>
    <message>
        <source>You have joined: {owner} admits everyone who joined, then you answer.</source>
        <translation>你已加入：{owner} 接纳所有已加入者后，你即可作答。</translation>
    </message>
    <message>
        <source>Anonymous: join first; {owner} admits everyone who joined, then you answer.</source>
        <translation>匿名问卷：请先加入；{owner} 接纳所有已加入者后，你即可作答。</translation>
    </message>
    <message>
        <source>{joined} joined, {admitted} admitted.</source>
        <translation>已加入 {joined} 人，已接纳 {admitted} 人。</translation>
    </message>
    <message>
        <source>(no text answers)</source>
        <translation>（没有文字回答）</translation>
    </message>
    <message>
        <source>Renew the survey&apos;s key</source>
        <translation>更换问卷密钥</translation>
    </message>
    <message>
        <source>Renew this survey&apos;s key?</source>
        <translation>要更换这份问卷的密钥吗？</translation>
    </message>
    <message>
        <source>Do this after a member has left: answers under the current key, theirs too, stop counting. Everyone else joins again, you admit them, and they answer again.</source>
        <translation>请在有成员离开后执行：当前密钥下的所有回答（包括该成员的）将不再计入。其他人重新加入，由你批准，然后再次作答。</translation>
    </message>
    <message>
        <source>Renew key</source>
        <translation>更换密钥</translation>
    </message>
</context>
<context>
    <name>QtSyncStatus</name>
    <message>
        <source>Starting the network…</source>
        <translation>正在启动网络…</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message numerus="yes">
        <source>%n peer(s) connected</source>
        <translation>
            <numerusform>已连接 %n 个节点</numerusform>
        </translation>
    </message>
    <message>
        <source>last sync {time}</source>
        <translation>上次同步 {time}</translation>
    </message>
    <message numerus="yes">
        <source>receiving %n update(s)</source>
        <translation>
            <numerusform>正在接收 %n 条更新</numerusform>
        </translation>
    </message>
    <message>
        <source>syncing…</source>
        <translation>同步中…</translation>
    </message>
    <message>
        <source>up to date</source>
        <translation>已是最新</translation>
    </message>
    <message>
        <source>waiting for peers</source>
        <translation>正在等待节点</translation>
    </message>
    <message numerus="yes">
        <source>%n peer(s) (is/are) behind</source>
        <translation>
            <numerusform>%n 个节点尚未同步</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QtVersionFiles</name>
    <message>
        <source>Attached to version {n}:</source>
        <translation>第 {n} 版的附件：</translation>
    </message>
</context>
<context>
    <name>ReallocateDialog</name>
    <message>
        <source>Change reviewers</source>
        <translation>更改评阅人</translation>
    </message>
    <message>
        <source>{name}&apos;s work</source>
        <translation>{name} 的作业</translation>
    </message>
    <message>
        <source>&amp;Add as reviewer</source>
        <translation>添加为评阅人(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Remove as reviewer</source>
        <translation>移除评阅人(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Work</source>
        <translation>作业(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Reviewer</source>
        <translation>评阅人(&amp;R)</translation>
    </message>
</context>
<context>
    <name>RequestListModel</name>
    <message>
        <source>open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>claimed</source>
        <translation>已认领</translation>
    </message>
    <message>
        <source>escalated</source>
        <translation>已上报</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>已解决</translation>
    </message>
    <message numerus="yes">
        <source>{title}  ·  {status}  ·  %n answer(s)  ·  {who}  ·  {when}</source>
        <translation>
            <numerusform>{title}  ·  {status}  ·  %n 个回答  ·  {who}  ·  {when}</numerusform>
        </translation>
    </message>
    <message>
        <source>[hidden]</source>
        <translation>[已隐藏]</translation>
    </message>
    <message numerus="yes">
        <source>{who}  ·  {when}  ·  {status}  ·  %n answer(s)</source>
        <translation>
            <numerusform>{who}  ·  {when}  ·  {status}  ·  %n 个回答</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ResourceDialog</name>
    <message>
        <source>Add a resource</source>
        <translation>添加资源</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>A description, or the text itself</source>
        <translation>描述，或正文本身</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>链接</translation>
    </message>
    <message>
        <source>Files to share, up to 50 MiB each; drop files here too</source>
        <translation>要分享的文件，每个最大 50 MiB；也可以把文件拖到这里</translation>
    </message>
    <message>
        <source>Attach files…</source>
        <translation>添加附件…</translation>
    </message>
    <message>
        <source>Remove attachment</source>
        <translation>移除附件</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>添加附件</translation>
    </message>
    <message>
        <source>A resource holds at most {n} files.</source>
        <translation>一个资源最多包含 {n} 个文件。</translation>
    </message>
</context>
<context>
    <name>ResourceListModel</name>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n 个文件</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RubricForm</name>
    <message>
        <source> of {max}</source>
        <translation> / {max}</translation>
    </message>
    <message>
        <source>Score for {name}</source>
        <translation>{name} 的得分</translation>
    </message>
    <message>
        <source>A comment on {name} (optional)</source>
        <translation>对 {name} 的评语（可选）</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>评语</translation>
    </message>
    <message>
        <source>Overall: what works, and what would make it better</source>
        <translation>总评：哪些地方做得好，怎样能更好</translation>
    </message>
</context>
<context>
    <name>SearchEverywhereDialog</name>
    <message>
        <source>Search everywhere</source>
        <translation>全局搜索</translation>
    </message>
    <message>
        <source>Search every circle and My notes…</source>
        <translation>搜索所有圈子和我的笔记…</translation>
    </message>
    <message>
        <source>My notes</source>
        <translation>我的笔记</translation>
    </message>
    <message>
        <source>Type a word to search for.</source>
        <translation>请输入要搜索的词。</translation>
    </message>
    <message>
        <source>Nothing found for “{text}”.</source>
        <translation>没有找到“{text}”。</translation>
    </message>
</context>
<context>
    <name>ShareDialog</name>
    <message>
        <source>Share with the circle</source>
        <translation>与圈子分享</translation>
    </message>
    <message>
        <source>&amp;What you wrote in this cycle:</source>
        <translation>你在这一轮中写的内容(&amp;W)：</translation>
    </message>
    <message>
        <source>What</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Your words</source>
        <translation>你的文字</translation>
    </message>
    <message>
        <source>A copy becomes a thread in “{circle}”, titled “Shared from our coaching pair”: everyone in that circle can read it, its teachers too. Only your own words are listed; your partner shares theirs.</source>
        <translation>一份副本将成为“{circle}”中的讨论帖，标题为“Shared from our coaching pair”（来自我们的教练搭档）：该圈子的每个人都能阅读，包括老师。这里只列出你自己写的内容；你的搭档的内容由他们自己分享。</translation>
    </message>
    <message>
        <source>the pair&apos;s circle</source>
        <translation>搭档所在的圈子</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>分享</translation>
    </message>
</context>
<context>
    <name>SurveyDialog</name>
    <message>
        <source>New survey</source>
        <translation>新建问卷</translation>
    </message>
    <message>
        <source>e.g. Start of term</source>
        <translation>例如：学期初</translation>
    </message>
    <message>
        <source>&amp;Anonymous: nobody is shown who answered what</source>
        <translation>匿名：不显示谁回答了什么(&amp;A)</translation>
    </message>
    <message>
        <source>N&amp;amed: respondents&apos; names are shown with the results</source>
        <translation>实名：结果中显示作答者的名字(&amp;M)</translation>
    </message>
    <message>
        <source>Single choice</source>
        <translation>单选</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>量表</translation>
    </message>
    <message>
        <source>Free text</source>
        <translation>自由文本</translation>
    </message>
    <message>
        <source>The question</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Options, separated by commas</source>
        <translation>选项，用逗号分隔</translation>
    </message>
    <message>
        <source>Add &amp;question</source>
        <translation>添加问题(&amp;Q)</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>&amp;Title</source>
        <translation>标题(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Kind</source>
        <translation>类型(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Question</source>
        <translation>问题(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Options</source>
        <translation>选项(&amp;O)</translation>
    </message>
    <message>
        <source>Scale &amp;from</source>
        <translation>量表起点(&amp;F)</translation>
    </message>
    <message>
        <source>Scale &amp;to</source>
        <translation>量表终点(&amp;T)</translation>
    </message>
    <message>
        <source>Write the question first.</source>
        <translation>请先写下问题。</translation>
    </message>
    <message>
        <source>A single choice question needs at least two options.</source>
        <translation>单选题至少需要两个选项。</translation>
    </message>
    <message>
        <source>A scale runs from a lower number to a higher one.</source>
        <translation>量表须从较小的数到较大的数。</translation>
    </message>
    <message>
        <source>Say up front whether the survey is anonymous or named.</source>
        <translation>请事先说明问卷是匿名还是实名。</translation>
    </message>
    <message>
        <source>Add at least one question.</source>
        <translation>请至少添加一个问题。</translation>
    </message>
</context>
<context>
    <name>ThreadListModel</name>
    <message numerus="yes">
        <source>{title}  ·  {who}  ·  %n repl(y/ies)  ·  {when}</source>
        <translation>
            <numerusform>{title}  ·  {who}  ·  %n 条回复  ·  {when}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{who}  ·  {when}  ·  %n repl(y/ies)</source>
        <translation>
            <numerusform>{who}  ·  {when}  ·  %n 条回复</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Wording</name>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>%n 分钟前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>%n 小时前</numerusform>
        </translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation>昨天</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n 天前</numerusform>
        </translation>
    </message>
    <message>
        <source>{day} {month}</source>
        <translation>{month}{day}日</translation>
    </message>
    <message>
        <source>{day} {month} {year}</source>
        <translation>{year}年{month}{day}日</translation>
    </message>
    <message>
        <source>{weekday} {day} {month} {year}, {time}</source>
        <translation>{year}年{month}{day}日 {weekday} {time}</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <source>{weekday} {day} {month}</source>
        <translation>{month}{day}日 {weekday}</translation>
    </message>
    <message>
        <source>January</source>
        <translation>1月</translation>
    </message>
    <message>
        <source>February</source>
        <translation>2月</translation>
    </message>
    <message>
        <source>March</source>
        <translation>3月</translation>
    </message>
    <message>
        <source>April</source>
        <translation>4月</translation>
    </message>
    <message>
        <source>May</source>
        <translation>5月</translation>
    </message>
    <message>
        <source>June</source>
        <translation>6月</translation>
    </message>
    <message>
        <source>July</source>
        <translation>7月</translation>
    </message>
    <message>
        <source>August</source>
        <translation>8月</translation>
    </message>
    <message>
        <source>September</source>
        <translation>9月</translation>
    </message>
    <message>
        <source>October</source>
        <translation>10月</translation>
    </message>
    <message>
        <source>November</source>
        <translation>11月</translation>
    </message>
    <message>
        <source>December</source>
        <translation>12月</translation>
    </message>
    <message>
        <source>Jan</source>
        <translation>1月</translation>
    </message>
    <message>
        <source>Feb</source>
        <translation>2月</translation>
    </message>
    <message>
        <source>Mar</source>
        <translation>3月</translation>
    </message>
    <message>
        <source>Apr</source>
        <translation>4月</translation>
    </message>
    <message>
        <source>Jun</source>
        <translation>6月</translation>
    </message>
    <message>
        <source>Jul</source>
        <translation>7月</translation>
    </message>
    <message>
        <source>Aug</source>
        <translation>8月</translation>
    </message>
    <message>
        <source>Sep</source>
        <translation>9月</translation>
    </message>
    <message>
        <source>Oct</source>
        <translation>10月</translation>
    </message>
    <message>
        <source>Nov</source>
        <translation>11月</translation>
    </message>
    <message>
        <source>Dec</source>
        <translation>12月</translation>
    </message>
    <message>
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>星期二</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>星期三</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>星期四</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>星期五</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
</context>
</TS>
