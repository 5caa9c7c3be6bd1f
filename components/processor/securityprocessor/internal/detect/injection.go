package detect

import (
	"math"
	"math/bits"
	"regexp"
	"strings"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/normalize"
)

// Injection rule ids, one per attack family.
const (
	RuleInstructionOverride    = "injection.instruction_override"
	RuleRoleHijack             = "injection.role_hijack"
	RuleSystemPromptExtraction = "injection.system_prompt_extraction"
	RuleJailbreakPersona       = "injection.jailbreak_persona"
	RuleDelimiter              = "injection.delimiter"
	RuleFakeRole               = "injection.fake_role"
	RuleIndirectInstruction    = "injection.indirect_instruction"
	RuleEmbeddedRequest        = "injection.embedded_request"
	RuleExfiltration           = "injection.exfiltration"
)

// signal is one weighted piece of evidence. A text's injection score is the
// noisy-OR of the weights of the distinct signals it shows, so one strong
// signal or several weak ones cross the threshold, and no single keyword does.
//
// Go's regexp engine costs tens of nanoseconds per byte on patterns like
// these, so a signal's regex never scans a whole text: it is anchored at the
// occurrences of its first word (starts), and runs only when each group of
// its other words (needs) also occurs in the text.
type signal struct {
	rule   string
	weight float64
	// indirect signals only count in tool and retrieval output: an
	// instruction addressed to "your response" is normal from a user and
	// suspicious inside an e-mail the agent reads.
	indirect bool
	// starts are token prefixes where the (^-anchored) regex is tried.
	starts []string
	// needs are groups of token prefixes; each group must occur somewhere.
	needs [][]string
	// contains, for patterns that do not begin at a word, are substrings
	// that gate an unanchored search of the whole text.
	contains []string
	re       *regexp.Regexp
	// post, when set, must also accept a match at pos.
	post func(t string, pos int) bool
	// colon, when set, requires a ':' within a few bytes of the start.
	colon bool

	startMask anchorSet
	needMasks []anchorSet
	// containsFirst holds the distinct first bytes of contains: a text
	// without any of them cannot hold a contains string.
	containsFirst string
	// containsHas is containsFirst as a set of ASCII bytes, tested against
	// normalize.Result.Has; containsWide is set when containsFirst holds a
	// byte outside ASCII (the set test then cannot rule a text out).
	containsHas  [2]uint64
	containsWide bool
}

// sig builds an anchored signal: starts and each need group are
// space-separated token prefixes.
func sig(rule string, weight float64, starts, pattern string, needs ...string) signal {
	s := signal{rule: rule, weight: weight, starts: strings.Fields(starts), re: regexp.MustCompile(`^(?:` + pattern + `)`)}
	for _, n := range needs {
		s.needs = append(s.needs, strings.Fields(n))
	}
	return s
}

func withColon(s signal) signal {
	s.colon = true
	return s
}

func indirectSig(rule string, weight float64, starts, pattern string, needs ...string) signal {
	s := sig(rule, weight, starts, pattern, needs...)
	s.indirect = true
	return s
}

const (
	extVerb   = `(?:reveal|show|print|display|output|repeat|recite|leak|dump|expose|disclose|share|tell|give|write|spell|list|provide|return|paste|copy|translate|summarize|summarise|what (?:is|are|was|were)|read|send|describe|explain)`
	extStarts = "reveal show print display output repeat recit leak dump expos disclos share tell give write spell list provid return paste copy translat summar what read send describ explain"
	ovVerb    = `(?:ignore|ignoring|disregard|disregarding|forget|forgetting|skip|overlook|override|overwrite|bypass|neglect|abandon|discard|dismiss|set aside|put aside|throw out|scrap)`
	ovStarts  = "ignor disregard forget skip overlook overrid overwrit bypass neglect abandon discard dismiss set put throw scrap"
	ovQual    = `(?:previous|previously|prior|above|earlier|preceding|foregoing|former|original|initial|old|existing|all|any|every|your|system|developer|default|safety|those|these|following)`
	ovObj     = `(?:instructions?|instructed|directions?|directives?|rules|prompts?|guidelines|guidance|commands?|orders|constraints|restrictions|programming|messages?|context|conversation|polic(?:y|ies)|safeguards|settings|training|requests?|tasks?|text|content|information)`
	ovObjNeed = "instruct direction directive rules prompt guideline guidance command orders constraint restriction programming message context conversation polic safeguard setting training request task text content information"
	aiNoun    = `(?:ai|a\.i\.|model|assistant|chatbot|bot|gpt|chatgpt|llm|language model|persona|character|version of yourself|dan)`
	aiNeed    = "ai a.i. model assistant chatbot bot gpt chatgpt llm language persona character version dan"
	outNoun   = `(?:response|reply|answer|output|summary|message|translation|completion|result)s?`
	outNeed   = "response reply replies answer output summar message translation completion result"
	modVerbs  = `(?:add|include|append|prepend|insert|integrate|incorporate|mention|modify|change|alter|rewrite|translate|encode|encrypt|write|render|reverse|express|enhance|augment|format|end|begin|start|finish|conclude|sign|put|embed|use|provide|give|apply|shift|convert|substitute|replace|invert|display|make|spread|promote|suggest|highlight|state|say|present|deliver|compose|craft|structure)`
)

// modVerbBefore accepts an "... your response" match when the sentence
// before it has a verb that changes the response ("add", "translate", …).
var modVerbBefore = regexp.MustCompile(`\b` + modVerbs + `\b`)

func verbEarlierInSentence(t string, pos int) bool {
	from := max(0, pos-120)
	seg := t[from:pos]
	if k := strings.LastIndexAny(seg, ".!?"); k >= 0 && k+1 < len(seg) && seg[k+1] == ' ' {
		seg = seg[k+1:]
	}
	return modVerbBefore.MatchString(seg)
}

func injectionSignals() []signal {
	override := []signal{
		sig(RuleInstructionOverride, 0.85, ovStarts, ovVerb+` (?:\S+ ){0,3}?`+ovQual+`\b(?: \S+){0,3}? ?`+ovObj+`\b`, ovObjNeed),
		sig(RuleInstructionOverride, 0.45, "ignor disregard forget overrid bypass", `(?:ignore|disregard|forget|override|bypass) (?:\S+ ){0,2}?(?:the|these|those|my|his|her|their|its) `+ovObj+`\b`, ovObjNeed),
		sig(RuleInstructionOverride, 0.7, "forget", `forget (?:about )?(?:everything|all(?: of)?(?: that| this| it)?)\b(?: (?:\S+ ){0,3}?(?:you|i|we) (?:have |'ve |had )?(?:learned|learnt|know|were told|said|been told|read|saw))?`, "everything all"),
		sig(RuleInstructionOverride, 0.6, "new updated revised real actual true secret hidden additional override priority", `(?:new|updated|revised|real|actual|true|secret|hidden|additional|override|priority) (?:instructions?|directives?|system prompt|orders)\b ?(?::|- |are\b|is\b|follow)`, "instruct directive system orders"),
		sig(RuleInstructionOverride, 0.45, "new", `new (?:task|goal|objective|mission)\b ?(?::|- |is\b)`, "task goal objective mission"),
		sig(RuleInstructionOverride, 0.35, "stop", `stop[.!]+ (?:new|now|instead|from now|forget|ignore)\b`),
		sig(RuleInstructionOverride, 0.85, "ignorier ignora ignorez vergiss olvida oublie dimentica esquec", `(?:ignorier\S*|ignora\S*|ignorez|vergiss|olvida\S*|oublie\S*|dimentica\S*|esque[cç]a\S*)(?: \S+){0,3}? (?:anweisung\S*|instrucc\S*|instructions?|istruzion\S*|instru[cç]\S*|regeln|reglas|regles|regole|regras|befehl\S*|vorgaben|alles|todo|tout|tutto|tudo)\b`, "anweisung instrucc instruction istruzion instruc regeln reglas regles regole regras befehl vorgaben alles todo tout tutto tudo"),
		sig(RuleInstructionOverride, 0.7, "do don dont never stop", `(?:do not|don't|dont|never|stop) (?:follow|obey|listen to|adhere to|comply with|respect|apply)(?:ing)? (?:\S+ ){0,2}?(?:your|the|any|previous|prior|original|initial|those|these|system) (?:\S+ ){0,2}?(?:instructions|rules|guidelines|programming|polic(?:y|ies)|directives|prompt)\b`, "follow obey listen adher compl respect apply", "instruction rules guideline programming polic directive prompt"),
		sig(RuleInstructionOverride, 0.45, "just only simply", `(?:just|only|simply) (?:say|print|output|write|respond with|reply with|answer with|repeat|type|return) ["'\[(]`, "say print output write respond reply answer repeat type return"),
		sig(RuleInstructionOverride, 0.45, "stop halt cancel abort", `(?:stop|halt|cancel|abort) (?:everything|all (?:tasks|activities|actions)|what you are doing|what you're doing)\b`, "everything all what"),
		sig(RuleInstructionOverride, 0.5, "nevermind never scratch on", `(?:nevermind|never mind|scratch that|on second thought)\b[.,!]* (?:ignore|forget|instead|disregard|now|just)\b`, "ignor forget instead disregard now just"),
		sig(RuleInstructionOverride, 0.4, "instead", `instead,? (?:just |only )?(?:say|print|output|write|respond|reply|answer)\b`),
	}
	role := []signal{
		sig(RuleRoleHijack, 0.55, "from", `from (?:now on|this (?:moment|point)(?: on(?:wards?)?)?)\b,? (?:\S+ ){0,2}?(?:you|your|act|respond|reply|answer|pretend|behave|speak|talk|always|only|never)\b`, "now moment point"),
		sig(RuleRoleHijack, 0.4, "now", `now,? you (?:are|will be|will act|must act|shall be)\b`, "you"),
		sig(RuleRoleHijack, 0.5, "i", `i(?: am|'m) (?:the|your) (?:developer|creator|administrator|admin|owner|operator|programmer|maker)\b`, "developer creator administrator admin owner operator programmer maker"),
		sig(RuleRoleHijack, 0.45, "you", `you(?: are|'re| re| will be) (?:now (?:an? |the |in |my )|no longer|going to (?:act|pretend|play|be|simulate|roleplay)|about to (?:immerse|become|act|play|be)|free (?:now|from)|to act as)`, "now longer going immers becom free act play pretend simulat roleplay"),
		sig(RuleRoleHijack, 0.35, "pretend imagine suppose", `(?:pretend|imagine|suppose) (?:to be|that you are|you are|you're|you were|to act as|being)\b`),
		sig(RuleRoleHijack, 0.5, "pretend imagine act behav respond answer function operat role", `(?:pretend (?:to be|you are|you're)|imagine you are|act|behave|respond|answer|function|operate|roleplay|role-play) (?:as|like)? ?(?:if you (?:were|are) |though you (?:were|are) )?(?:an? |the )?(?:\S+ ){0,3}?(?:unrestricted|unfiltered|uncensored|evil|rogue|jailbroken|different|another|new|free) (?:\S+ ){0,1}?`+aiNoun+`\b`, "unrestrict unfilter uncensor evil rogue jailbr different another new free", aiNeed),
		sig(RuleRoleHijack, 0.45, "play assum take adopt immers step embod", `(?:play|assume|take on|adopt|immerse yourself (?:in|into)|step into|embody) (?:the )?(?:role|persona|character|identity) of\b`, "role persona character identit"),
		sig(RuleRoleHijack, 0.5, "stay remain keep staying break breaking", `(?:stay|remain|keep|staying) in character\b|break(?:ing)? character\b`, "character"),
		sig(RuleRoleHijack, 0.35, "two 2 both", `(?:two|2|both) (?:different |separate |distinct )*(?:responses|ways|answers|outputs|replies)\b`, "responses ways answers outputs replies"),
		sig(RuleRoleHijack, 0.6, "you", `you(?: are|'re| re) (?:not|no longer) (?:an? )?(?:ai|assistant|language model|chatbot|bound|restricted|limited|constrained|chatgpt|claude)\b`, "not longer", "ai assistant language chatbot bound restrict limit constrain chatgpt claude"),
		sig(RuleRoleHijack, 0.35, "simulat emulat", `(?:simulate|emulate)\b (?:\S+ ){0,3}?(?:mode|ai|model|persona|machine|chatbot)\b`, "mode ai model persona machine chatbot"),
	}
	extraction := []signal{
		sig(RuleSystemPromptExtraction, 0.8, extStarts, extVerb+`\b (?:\S+ ){0,3}?your (?:\S+ ){0,2}?(?:system prompt|system message|prompt|instructions|initial (?:message|prompt)|directives|pre-?prompt|hidden (?:message|prompt)|programming)\b`, "your", "system prompt instruction initial directive pre-prompt preprompt hidden programming"),
		sig(RuleSystemPromptExtraction, 0.45, extStarts, extVerb+`\b (?:\S+ ){0,3}?your (?:\S+ ){0,2}?(?:rules|guidelines|configuration|constraints)\b`, "your", "rules guideline configuration constraint"),
		sig(RuleSystemPromptExtraction, 0.8, extStarts, extVerb+`\b (?:\S+ ){0,5}?(?:system|initial|original|hidden|secret|internal|confidential|developer|pre-?) ?(?:\S+ )?(?:prompt|instructions|message)\b`, "system initial original hidden secret internal confidential developer pre", "prompt instruction message"),
		sig(RuleSystemPromptExtraction, 0.75, "repeat print output reproduc echo copy write recit return spell", `(?:repeat|print|output|reproduce|echo|copy|write|recite|return|spell) (?:out |back |down )?(?:all |everything |every(?:thing)? |the (?:\S+ )?(?:text|words|content|lines|messages?|tokens|sentences|conversation)s? )(?:\S+ ){0,4}?(?:above|before (?:this|that)|preceding|so far|prior to|at the (?:start|beginning))\b`, "above before preceding so prior start beginning"),
		sig(RuleSystemPromptExtraction, 0.6, "what", `what (?:were|are|was|is|have) (?:you|your) (?:been )?(?:told|instructed|programmed|initial|original|first|system)\b`, "told instructed programmed initial original first system"),
		sig(RuleSystemPromptExtraction, 0.7, "instruction rules guideline prompt password secret code key", `(?:instructions|rules|guidelines|prompt|password|secret(?: \S+)?|code|key)(?: that)? you (?:were|have been|had been|are|got) (?:given|told|provided|instructed|programmed)\b`, "you"),
		sig(RuleSystemPromptExtraction, 0.6, extStarts+" reply respond answer begin start", `(?:`+extVerb+`|reply with|respond with|answer with|begin with|start with)\b (?:\S+ ){0,2}?(?:the |your )?(?:above|previous|preceding|prior|initial|original|first|earlier|hidden) (?:\S+ )?(?:prompt|instructions|text|message|conversation)\b`, "above previous preceding prior initial original first earlier hidden", "prompt instruction text message conversation"),
		sig(RuleSystemPromptExtraction, 0.5, "beginning start", `(?:beginning|start) of (?:this|the|our) (?:conversation|chat|prompt|context|thread)\b`, "conversation chat prompt context thread"),
		sig(RuleSystemPromptExtraction, 0.3, "word verbatim", `word for word\b|verbatim\b`),
		sig(RuleSystemPromptExtraction, 0.3, "system", `system prompt\b`, "prompt"),
	}
	persona := []signal{
		sig(RuleJailbreakPersona, 0.85, "do dan jailbr evil unfilter uncensor unrestrict opposit chaos anarchy develop", `do anything now\b|(?:dan|jailbreak|jailbroken|evil|unfiltered|uncensored|unrestricted|opposite|chaos|anarchy) mode\b|developer mode (?:enabled|output|response|activated)\b`, "now mode"),
		sig(RuleJailbreakPersona, 0.45, "with enter enabl activat simulat", `(?:with|enter|enable|activate|simulate) (?:the )?(?:developer|debug|god|sudo|admin) mode\b`, "mode"),
		sig(RuleJailbreakPersona, 0.6, "ai assistant chatbot bot model llm version", `(?:ai|assistant|chatbot|bot|model|llm|version of yourself)\b,? (?:that |which |who )?(?:has|have|with|without|is free of|operates without|can do) (?:no |any |zero )?(?:\S+ )?(?:rules|restrictions|limits|limitations|filters|guidelines|ethics|morals|boundaries|censorship|constraints|anything)\b`, "rules restriction limit filter guideline ethic moral boundar censor constraint anything"),
		sig(RuleJailbreakPersona, 0.3, "develop god sudo admin dev", `(?:developer|god|sudo|admin|dev) mode\b`, "mode"),
		sig(RuleJailbreakPersona, 0.45, "jailbr", `jailbr(?:ea|o)k(?:s|en|ed|ing)?\b`),
		sig(RuleJailbreakPersona, 0.7, "broken break broke freed free escap liberat", `(?:broken|break|broke|breaking|freed|free|escaped?|liberated) (?:\S+ ){0,2}?(?:of|from) (?:\S+ ){0,2}?(?:confines|restrictions|rules|limitations|shackles|chains|constraints|censorship|guidelines|programming|filters)\b`, "of from", "confines restriction rules limitation shackles chains constraint censorship guideline programming filter"),
		sig(RuleJailbreakPersona, 0.55, "do don dont doesn never no not without", `(?:do not|don't|dont|doesn't|does not|never|no longer|not|without) (?:have to |need to |required to |supposed to |allowed to |meant to |going to )?(?:abide|adhere|comply|conform|obey|be bound|follow|care about|respect) (?:by |to |with |about )?(?:\S+ ){0,2}?(?:rules|polic(?:y|ies)|guidelines|restrictions|ethics|ethical|moral(?:s|ity)?|principles|filters|laws|safety)\b`, "abide adhere comply conform obey bound follow care respect", "rules polic guideline restriction ethic moral principle filter laws safety"),
		sig(RuleJailbreakPersona, 0.3, "no without free zero", `(?:no|without|free of|zero) (?:\S+ )?(?:restrictions|filters|filtering|censorship|limitations|safeguards|moral(?:s|ity)?|ethic(?:s|al)|guardrails)\b`, "restriction filter censor limitation safeguard moral ethic guardrail"),
		sig(RuleJailbreakPersona, 0.55, "unfilter uncensor unrestrict unbound unhing amoral unethic immoral evil rogue unlimit", `(?:unfiltered|uncensored|unrestricted|unbound|unhinged|amoral|unethical|immoral|evil|rogue|unlimited) (?:\S+ )?(?:ai|model|assistant|chatbot|bot|version|persona|response|answers?|responses|llm|gpt|character)\b`),
		sig(RuleJailbreakPersona, 0.4, "openai anthropic google meta microsoft content", `(?:openai|anthropic|google|meta|microsoft)(?:'s)? (?:\S+ )?(?:content |usage |safety )?polic(?:y|ies)\b|content polic(?:y|ies)\b`, "polic"),
		sig(RuleJailbreakPersona, 0.5, "[", `\[(?:dan|gpt|jailbreak|jailbroken|classic|developer mode output|normal output|stan|dude|aim|🔒classic|🔓jailbreak)\]`),
		sig(RuleJailbreakPersona, 0.3, "can will could anything", `(?:can|will|could) do anything\b|anything and everything\b`, "anything"),
		sig(RuleJailbreakPersona, 0.7, "dan stan dude aim", `(?:dan|stan|dude|aim)\b,? (?:which |who )?(?:stands for|is an? (?:ai|model|persona|chatbot))`, "stands is"),
	}
	delimiter := []signal{
		{rule: RuleDelimiter, weight: 0.8, contains: []string{"<|", "[inst]", "[/inst]", "<<sys>>", "<</sys>>", "<system", "</system", "<instruction", "</instruction", "<admin", "</admin", "<developer", "</developer", "<sys>", "</sys>", "<prompt", "</prompt", "<im_"},
			re: regexp.MustCompile(`<\|[a-z_]{2,30}\|>|\[/?inst\]|<</?sys>>|</?(?:system|instructions?|admin|developer|sys|prompt|im_start|im_end)>`)},
		sig(RuleDelimiter, 0.6, "## === --- *** /// >>>", `(?:#{2,}|={3,}|-{3,}|\*{3,}|/{3,}|>{3,}) ?(?:new |updated |begin |start |end |important )?(?:system|instructions?|admin|developer|override|prompt|sys)\b`),
		sig(RuleDelimiter, 0.45, "## === --- *** /// >>>", `(?:#{2,}|={3,}|-{3,}|\*{3,}|/{3,}|>{3,}) ?(?:end|stop|eof)\b`),
		sig(RuleDelimiter, 0.35, "end close", `(?:end|close) of (?:the )?(?:user |system |original )?(?:input|prompt|document|context|instructions|conversation|data|text)\b`, "of"),
		sig(RuleDelimiter, 0.65, "begin start beginning", `(?:begin|start|beginning) (?:of )?(?:new |the )?(?:system|admin|developer|priority|real) (?:prompt|instructions?|message|mode|command)\b`, "system admin developer priority real", "prompt instruction message mode command"),
	}
	fakeRole := []signal{
		withColon(sig(RuleFakeRole, 0.35, "system assistant ai bot gpt chatgpt admin administrator develop root", `(?:system|assistant|ai|bot|gpt|chatgpt|admin|administrator|developer|root)(?: message| note| prompt| instruction| override)?\]?: `)),
		withColon(indirectSig(RuleFakeRole, 0.45, "system assistant ai bot gpt chatgpt admin administrator develop root user human", `(?:system|assistant|ai|bot|gpt|chatgpt|admin|administrator|developer|root|user|human)(?: message| note| prompt| instruction| override)?\]?: `)),
		sig(RuleFakeRole, 0.65, "system admin administrator develop operat", `(?:system|admin|administrator|developer|operator) (?:override|instruction|command|directive)s?\b`, "overrid instruction command directive"),
	}
	addressed := indirectSig(RuleIndirectInstruction, 0.6, "your each every", `(?:your|each|every) (?:\S+ )?`+outNoun+`\b`, outNeed)
	addressed.post = verbEarlierInSentence
	indirect := []signal{
		addressed,
		indirectSig(RuleIndirectInstruction, 0.6, "in", `in (?:your|each|every) (?:\S+ )?`+outNoun+`,? (?:\S+ ){0,2}?(?:mention|include|add|say|state|suggest|tell|write|insert|promote|claim|spread|hint|reference|refer|use|ask)\b`, "your each every", outNeed),
		indirectSig(RuleIndirectInstruction, 0.6, "reply respond answer write talk speak", `(?:reply|respond|answer|write back|talk|speak)(?: only| solely| exclusively)? (?:in (?:reverse|backwards?|base\d+|binary|hex|morse|code|cipher|emojis?|french|german|spanish|italian|portuguese|chinese|japanese|russian|arabic|korean|hindi|dutch|latin|pig latin|all caps|uppercase|rhymes?|verse)|using|with emojis?|backwards?)\b`),
		indirectSig(RuleIndirectInstruction, 0.6, "ai assistant chatbot language llm gpt chatgpt claude copilot gemini", `(?:ai|assistant|chatbot|language model|llm|gpt|chatgpt|claude|copilot|gemini)s?(?: model| assistant| agent)?,? (?:you )?(?:must|should|shall|will|need to|are (?:instructed|required|ordered|told) to|has to|have to|please)\b`, "must should shall will need are has have please"),
		indirectSig(RuleIndirectInstruction, 0.75, "attention note instruction message important notice reminder", `(?:attention|note|instructions?|message|important|notice|reminder)(?: for| to)? (?:the |all |any )?(?:ai |llm )?(?:ai|assistant|llm|language model|model|chatbot|bot|gpt|agent)s?\b ?[:,!-]`, "ai assistant llm language model chatbot bot gpt agent"),
		indirectSig(RuleIndirectInstruction, 0.8, "if", `if you are an? (?:ai|assistant|llm|language model|agent|bot|chatbot|gpt)\b`, "ai llm assistant agent language bot chatbot gpt"),
		indirectSig(RuleIndirectInstruction, 0.8, "to for", `(?:to|for) (?:any|the|all) (?:ai|llm|assistant|agent|language model|model|bot)s? (?:reading|processing|summarizing|summarising|viewing|parsing|analyzing)\b`, "ai llm assistant agent language model bot", "reading processing summariz viewing parsing analyz"),
		indirectSig(RuleIndirectInstruction, 0.55, "do don never without", `(?:do not|don't|never|without) (?:tell(?:ing)?|inform(?:ing)?|mention(?:ing)?|reveal(?:ing)?|alert(?:ing)?|notify(?:ing)?|let(?:ting)? know) (?:the )?(?:user|human|customer|recipient|owner|reader|anyone|them)\b`, "tell inform mention reveal alert notif let", "user human customer recipient owner reader anyone them"),
	}
	exfil := []signal{
		{rule: RuleExfiltration, weight: 0.65, contains: []string{"!["}, re: regexp.MustCompile(`!\[[^\]]*\]\(https?://[^)\s]+[?&][^)\s]*=`)},
		sig(RuleExfiltration, 0.5, "send forward email post upload transmit exfiltrat leak copy", `(?:send|forward|email|post|upload|transmit|exfiltrate|leak|copy)\b (?:\S+ ){0,6}?(?:conversation|chat history|passwords?|credentials|api keys?|secrets?|tokens?|personal (?:data|information)|user data|data|details|history|files?|messages|emails|contacts|documents)\b (?:\S+ ){0,4}?(?:to|at) (?:https?://|www\.|\S+@\S+)`, "to at", "conversation chat password credential api secret token personal user data detail history file message email contact document"),
	}
	var out []signal
	for _, g := range [][]signal{override, role, extraction, persona, delimiter, fakeRole, indirect, exfil} {
		out = append(out, g...)
	}
	return out
}

// squeezedSignals run on the letters-only form of texts that use letter
// spacing, where word boundaries are gone.
func squeezedSignals() []signal {
	return []signal{
		{rule: RuleInstructionOverride, weight: 0.85,
			re: regexp.MustCompile(`(?:ignore|disregard|forget|override|bypass)(?:all|any|the|your|my|of)*(?:previous|prior|above|earlier|preceding|system|original)(?:instructions?|rules|prompts?|directions|guidelines)`)},
		{rule: RuleSystemPromptExtraction, weight: 0.8,
			re: regexp.MustCompile(`(?:reveal|print|show|repeat|display|output)(?:me)?(?:your|the)(?:system|initial|hidden|original)?(?:prompt|instructions)`)},
		{rule: RuleJailbreakPersona, weight: 0.6,
			re: regexp.MustCompile(`developermode|doanythingnow|danmode|jailbreak`)},
		{rule: RuleRoleHijack, weight: 0.4,
			re: regexp.MustCompile(`youarenow|fromnowon`)},
	}
}

// embeddedVerbs open a line that asks an assistant to do a task; inside a
// tool result or a retrieved document such a line is a planted request.
var embeddedRequestRe = regexp.MustCompile(`^(?:(?:write|provide|show|help|recommend|suggest|summarize|summarise|describe|analyze|analyse|determine|classify|translate|list|explain|generate|create|compose|draft|tell|give|find|calculate|compare|identify|outline|predict|evaluate|assess|teach|convert)\b|(?:how (?:can|do|does|did|should|would|could|have|has|is|are|to)|what (?:are|is|was|were|movies|books|kind|type)|which|why (?:do|does|is|are)|can you|could you|would you|is this|are there)\b.*\?$)`)

// injectionIndex finds, with one pass over the tokens of a folded text,
// which of the signals' words occur and where.
type injectionIndex struct {
	signals  []signal
	squeezed []signal
	anchors  []string
	// exact marks anchors that must be a whole word: short words such as
	// "in", "to" or "ai" would otherwise match inside most tokens.
	exact []bool
	// starts marks the anchors at which some regex is tried; the others
	// only need to be present.
	starts anchorSet
	// pairs holds anchor lists. letterPair indexes the two-letter anchors,
	// letterTriple the longer ones by their first three lower-case letters,
	// and otherPrefix those starting with another byte by their first two
	// bytes; the values are 1+index into pairs. short holds one-byte anchors.
	pairs        [][]int
	letterPair   [26 * 26]uint16
	letterTriple []uint16
	otherPrefix  map[uint16]uint16
	short        [256][]int
	// cands holds, for each list of pairs, what present needs of each
	// anchor in one place; otherBits is otherPrefix's key set as a bitset,
	// so that most tokens that do not start with letters skip the map.
	// startSignals lists, per anchor, the signals it is a start word of;
	// alwaysTry holds the signals gated by substrings instead.
	startSignals []signalSet
	alwaysTry    signalSet
	cands        [][]anchorCand
	otherBits    [1 << 16 / 64]uint64
	// letterSlot merges letterPair and letterTriple for tokens that start
	// with two lower-case letters, indexed by those and thirdClass of the
	// third byte: two-letter anchors are whole words, so they can only
	// match when no letter follows, and longer ones are indexed by three.
	letterSlot []uint16
	// slowStart marks the first bytes that present does not look up
	// straight away: one-byte anchors and the quotes and brackets presentAt
	// looks past (marked in lookPast as well).
	slowStart [256]bool
	lookPast  [256]bool
	// hasLong marks the pairs lists that hold an anchor longer than eight
	// bytes (1+index as in cands).
	hasLong []bool
	// shortLetter is, for a lower-case letter that is a one-byte anchor,
	// 1+ that anchor's id (0 for the other bytes).
	shortLetter [256]int
}

// signalSet is a set of signal indexes.
type signalSet [2]uint64

func (s *signalSet) set(i int)      { s[uint(i)/64] |= 1 << (uint(i) % 64) }
func (s *signalSet) or(t signalSet) { s[0] |= t[0]; s[1] |= t[1] }

// anchorCand is one anchor of a pairs list. head and mask hold its first
// (up to) eight bytes, compared with one load of the text.
type anchorCand struct {
	a          string
	head, mask uint64
	id         int
	exact      bool
	start      bool
}

func (ix *injectionIndex) slot(a string) (uint16, func(uint16)) {
	switch {
	case len(a) == 2 && isLower(a[0]) && isLower(a[1]):
		k := int(a[0]-'a')*26 + int(a[1]-'a')
		return ix.letterPair[k], func(v uint16) { ix.letterPair[k] = v }
	case len(a) >= 3 && isLower(a[0]) && isLower(a[1]) && isLower(a[2]):
		k := (int(a[0]-'a')*26+int(a[1]-'a'))*26 + int(a[2]-'a')
		return ix.letterTriple[k], func(v uint16) { ix.letterTriple[k] = v }
	}
	k := uint16(a[0])<<8 | uint16(a[1])
	return ix.otherPrefix[k], func(v uint16) {
		ix.otherPrefix[k] = v
		ix.otherBits[k/64] |= 1 << (k % 64)
	}
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }

type anchorSet [8]uint64

// The indexes are never negative: as unsigned, i/64 and i%64 are a shift
// and a mask.
func (a *anchorSet) set(i int)     { a[uint(i)/64] |= 1 << (uint(i) % 64) }
func (a anchorSet) has(i int) bool { return a[uint(i)/64]&(1<<(uint(i)%64)) != 0 }

// intersectsAt is intersects of a set behind a pointer.
func (a *anchorSet) intersectsAt(b *anchorSet) bool {
	for i := range a {
		if a[i]&b[i] != 0 {
			return true
		}
	}
	return false
}

func (a anchorSet) intersects(b anchorSet) bool {
	for i := range a {
		if a[i]&b[i] != 0 {
			return true
		}
	}
	return false
}

func newInjectionIndex() *injectionIndex {
	ix := &injectionIndex{signals: injectionSignals(), squeezed: squeezedSignals(), otherPrefix: map[uint16]uint16{}, letterTriple: make([]uint16, 26*26*26)}
	ids := map[string]int{}
	id := func(a string) int {
		if i, ok := ids[a]; ok {
			return i
		}
		i := len(ix.anchors)
		if i >= 512 {
			panic("detect: more than 512 injection anchors")
		}
		ids[a] = i
		ix.anchors = append(ix.anchors, a)
		ix.exact = append(ix.exact, len(a) <= 4 && strings.Trim(a, "abcdefghijklmnopqrstuvwxyz") == "")
		if len(a) == 1 {
			ix.short[a[0]] = append(ix.short[a[0]], i)
		} else {
			slot, setSlot := ix.slot(a)
			if slot == 0 {
				ix.pairs = append(ix.pairs, nil)
				slot = uint16(len(ix.pairs))
				setSlot(slot)
			}
			ix.pairs[slot-1] = append(ix.pairs[slot-1], i)
		}
		return i
	}
	for si := range ix.signals {
		s := &ix.signals[si]
		for _, c := range s.contains {
			if strings.IndexByte(s.containsFirst, c[0]) < 0 {
				s.containsFirst += c[:1]
			}
			if b := c[0]; b < 128 {
				s.containsHas[b/64] |= 1 << (b % 64)
			} else {
				s.containsWide = true
			}
		}
		for _, a := range s.starts {
			s.startMask.set(id(a))
			ix.starts.set(id(a))
		}
		for _, group := range s.needs {
			var m anchorSet
			for _, a := range group {
				m.set(id(a))
			}
			s.needMasks = append(s.needMasks, m)
		}
	}
	if len(ix.signals) > 64*len(signalSet{}) {
		panic("detect: too many injection signals")
	}
	ix.startSignals = make([]signalSet, len(ix.anchors))
	for si := range ix.signals {
		s := &ix.signals[si]
		if s.contains != nil {
			ix.alwaysTry.set(si)
		}
		for _, a := range s.starts {
			ix.startSignals[ids[a]].set(si)
		}
	}
	ix.cands = make([][]anchorCand, len(ix.pairs))
	for p, ids := range ix.pairs {
		for _, id := range ids {
			a := ix.anchors[id]
			c := anchorCand{a: a, id: id, exact: ix.exact[id], start: ix.starts.has(id)}
			for k := 0; k < len(a) && k < 8; k++ {
				c.head |= uint64(a[k]) << (8 * k)
				c.mask |= 0xff << (8 * k)
			}
			ix.cands[p] = append(ix.cands[p], c)
		}
	}
	for c := 'a'; c <= 'z'; c++ {
		switch len(ix.short[c]) {
		case 0:
		case 1:
			ix.shortLetter[c] = 1 + ix.short[c][0]
		default:
			panic("detect: two one-byte injection anchors are the same letter")
		}
	}
	ix.hasLong = make([]bool, len(ix.pairs))
	for q, cs := range ix.cands {
		if len(cs) > maxListLen {
			panic("detect: an injection anchor list longer than maxListLen")
		}
		for _, c := range cs {
			ix.hasLong[q] = ix.hasLong[q] || len(c.a) > 8
		}
	}
	ix.letterSlot = make([]uint16, 26*26*28)
	for c0 := 0; c0 < 26; c0++ {
		for c1 := 0; c1 < 26; c1++ {
			base := (c0*26 + c1) * 28
			for c2 := 0; c2 < 26; c2++ {
				ix.letterSlot[base+c2] = ix.letterTriple[(c0*26+c1)*26+c2]
			}
			ix.letterSlot[base+26] = ix.letterPair[c0*26+c1]
			// base+27, an upper-case third letter, stays 0.
		}
	}
	for c := range ix.short {
		if len(ix.short[c]) > 0 {
			ix.slowStart[c] = true
		}
	}
	for _, c := range []byte("\"'(*`[") {
		ix.slowStart[c] = true
		ix.lookPast[c] = true
	}
	return ix
}

// anchorHit is one anchor occurrence in a folded text.
type anchorHit struct {
	id  int
	pos int
}

// matchWindow bounds the text an anchored regex sees; the patterns' filler
// words stay well inside it, and a short input lets Go's regexp use its
// backtracker instead of the slower NFA.
const matchWindow = 120

// present returns the anchors that occur at the token starts of r.Text
// (offset 0 and r.Starts) and appends to hits, in order, the occurrences of
// those that start a signal.
func (ix *injectionIndex) present(r normalize.Result, hits []anchorHit) (anchorSet, []anchorHit) {
	var set anchorSet
	t := r.Text
	if len(t) == 0 {
		return set, hits
	}
	hits = ix.presentAt(t, 0, &set, hits)
	return set, ix.presentTokens(t, r.Starts, &set, hits)
}

// maxListLen bounds the anchors of one pairs list, so that a token adds
// at most one more hit than that (for a one-byte anchor in front).
const maxListLen = 16

// presentToken records the anchors at the token that starts at p.
func (ix *injectionIndex) presentToken(t string, p int, set *anchorSet, hits []anchorHit) []anchorHit {
	if p+8 > len(t) || ix.lookPast[t[p]] {
		// Near the end, where presentAt pads the last bytes, or a quote or
		// a bracket, which it looks past.
		return ix.presentAt(t, p, set, hits)
	}
	hits = ix.shortAt(t, p, set, hits)
	w := load64(t, p)
	return ix.listAt(t, p, w, ix.slotOf(w), set, hits)
}

// shortAt records the one-byte anchors that t[p] is (they come before the
// token's other anchors).
func (ix *injectionIndex) shortAt(t string, p int, set *anchorSet, hits []anchorHit) []anchorHit {
	for _, id := range ix.short[t[p]] {
		set.set(id)
		hits = append(hits, anchorHit{id: id, pos: p})
	}
	return hits
}

// listAt records the anchors of pairs list q (1+index, 0 for none) that the
// token at p holds; w is t's eight bytes from p, zero-padded past the end.
func (ix *injectionIndex) listAt(t string, p int, w uint64, q uint16, set *anchorSet, hits []anchorHit) []anchorHit {
	if q == 0 {
		return hits
	}
	cs := ix.cands[q-1]
	for k := range cs {
		c := &cs[k]
		if w&c.mask != c.head || (len(c.a) > 8 && !strings.HasPrefix(t[p:], c.a)) ||
			(c.exact && p+len(c.a) < len(t) && isLetter(t[p+len(c.a)])) {
			continue
		}
		set.set(c.id)
		if c.start {
			hits = append(hits, anchorHit{id: c.id, pos: p})
		}
	}
	return hits
}

// slotOf returns the pairs list (1+index, 0 for none) for a token whose
// first eight bytes (zero-padded) are w.
func (ix *injectionIndex) slotOf(w uint64) uint16 {
	c0, c1, c2 := byte(w), byte(w>>8), byte(w>>16)
	if c0-'a' < 26 && c1-'a' < 26 {
		return ix.letterSlot[(int(c0-'a')*26+int(c1-'a'))*28+int(thirdClass[c2])]
	}
	if k := uint16(c0)<<8 | uint16(c1); ix.otherBits[k/64]&(1<<(k%64)) != 0 {
		return ix.otherPrefix[k]
	}
	return 0
}

// thirdClass is, for the third byte of a token, its index among the
// lower-case letters, 26 for a byte that is not a letter and 27 for an
// upper-case letter.
var thirdClass = func() (t [256]uint8) {
	for c := range t {
		switch b := byte(c); {
		case isLower(b):
			t[c] = b - 'a'
		case isLetter(b):
			t[c] = 27
		default:
			t[c] = 26
		}
	}
	return t
}()

// load64 reads 8 bytes of s at i, little-endian (one load on amd64/arm64).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// load32 reads 4 bytes of s at i, little-endian (one load on amd64/arm64).
func load32(s string, i int) uint32 {
	s = s[i : i+4]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// presentAt records the anchors at the token starting at i.
func (ix *injectionIndex) presentAt(t string, i int, set *anchorSet, hits []anchorHit) []anchorHit {
	// At a token start, skip up to one opening quote or bracket so that
	// `"ignore` shows its anchor, while "[inst" keeps its own.
	j := i
	for k := 0; k < 2 && j < len(t); k++ {
		hits = ix.shortAt(t, j, set, hits)
		if j+1 >= len(t) {
			break
		}
		// w holds the next eight bytes, zero-padded past the end (no anchor
		// holds a zero byte, so padding never matches).
		var w uint64
		if j+8 <= len(t) {
			w = load64(t, j)
		} else {
			for m := len(t) - 1; m >= j; m-- {
				w = w<<8 | uint64(t[m])
			}
		}
		hits = ix.listAt(t, j, w, ix.slotOf(w), set, hits)
		if c := t[j]; c != '"' && c != '\'' && c != '(' && c != '*' && c != '`' && c != '[' {
			break
		}
		j++
	}
	return hits
}

// match runs one signal over a folded text whose anchors are known; has is
// the text's normalize.Result.Has.
func (s *signal) match(t string, has [2]uint64, set *anchorSet, hits []anchorHit) string {
	if s.contains != nil {
		// The set test passes over most texts; IndexByte confirms the rest.
		if !s.containsWide && s.containsHas[0]&has[0] == 0 && s.containsHas[1]&has[1] == 0 {
			return ""
		}
		if !hasAnyByte(t, s.containsFirst) {
			return ""
		}
		for _, c := range s.contains {
			if strings.Contains(t, c) {
				return s.re.FindString(t)
			}
		}
		return ""
	}
	// No test of startMask against set: without one of the start words in
	// set no hit below has one, and score only tries signals with one.
	// By index and through pointers: the 64-byte sets are not copied.
	for k := range s.needMasks {
		if !s.needMasks[k].intersectsAt(set) {
			return ""
		}
	}
	for _, h := range hits {
		if id := uint(h.id); s.startMask[id/64]&(1<<(id%64)) == 0 {
			continue
		}
		if s.colon {
			if k := strings.IndexByte(t[h.pos:min(len(t), h.pos+24)], ':'); k < 0 {
				continue
			}
		}
		end := len(t)
		if h.pos+matchWindow < end {
			end = h.pos + matchWindow
			if k := strings.LastIndexByte(t[h.pos:end], ' '); k > 0 {
				end = h.pos + k
			}
		}
		if m := s.re.FindString(t[h.pos:end]); m != "" && (s.post == nil || s.post(t, h.pos)) {
			return m
		}
	}
	return ""
}

// hasAnyByte reports whether t holds one of the bytes of set, with one
// vectorised IndexByte per byte of set.
func hasAnyByte(t, set string) bool {
	for i := 0; i < len(set); i++ {
		if strings.IndexByte(t, set[i]) >= 0 {
			return true
		}
	}
	return false
}

// InjectionHit is the injection evidence found in one text.
type InjectionHit struct {
	score    int
	rule     string
	topW     float64
	match    string
	families []string
	evasions normalize.Evasion
}

func (ix *injectionIndex) score(folded normalize.Result, payloads []normalize.Result, indirect bool, disabled map[string]bool) InjectionHit {
	var hitsBuf [128]anchorHit
	hit, _ := ix.scoreWith(folded, payloads, indirect, disabled, hitsBuf[:0])
	return hit
}

// scoreWith is score keeping the anchor hits in hits' storage (an empty
// slice); it returns that storage, grown if it had to be, for reuse.
func (ix *injectionIndex) scoreWith(folded normalize.Result, payloads []normalize.Result, indirect bool, disabled map[string]bool, hits []anchorHit) (InjectionHit, []anchorHit) {
	var hit InjectionHit
	var seenBuf [8]*regexp.Regexp
	seen := seenBuf[:0]
	keep := 1.0
	consider := func(s *signal, m string, ev normalize.Evasion) {
		if disabled[s.rule] {
			return
		}
		for _, re := range seen {
			if re == s.re {
				return
			}
		}
		seen = append(seen, s.re)
		keep *= 1 - s.weight
		hit.evasions |= ev
		if s.weight > hit.topW {
			hit.topW, hit.rule, hit.match = s.weight, s.rule, m
		}
		for _, f := range hit.families {
			if f == s.rule {
				return
			}
		}
		hit.families = append(hit.families, s.rule)
	}
	run := func(r normalize.Result, extra normalize.Evasion) {
		var set anchorSet
		set, hits = ix.present(r, hits[:0])
		// Only the signals one of whose start words is present (and those
		// gated by substrings) can match; they are tried in signal order.
		cand := ix.alwaysTry
		for w, bits64 := range set {
			for bits64 != 0 {
				id := w*64 + bits.TrailingZeros64(bits64)
				bits64 &= bits64 - 1
				cand.or(ix.startSignals[id])
			}
		}
		for w, bits64 := range cand {
			for bits64 != 0 {
				i := w*64 + bits.TrailingZeros64(bits64)
				bits64 &= bits64 - 1
				s := &ix.signals[i]
				if s.indirect && !indirect {
					continue
				}
				if m := s.match(r.Text, r.Has, &set, hits); m != "" {
					consider(s, m, r.Evasions|extra)
				}
			}
		}
		if r.Squeezed != "" {
			for i := range ix.squeezed {
				s := &ix.squeezed[i]
				if m := s.re.FindString(r.Squeezed); m != "" {
					consider(s, m, r.Evasions|extra)
				}
			}
		}
		if indirect && len(r.Breaks) > 0 {
			ix.embedded(r, func(line string) {
				consider(&embeddedSignal, line, r.Evasions|extra)
			})
		}
	}
	run(folded, 0)
	for _, p := range payloads {
		run(p, normalize.EvasionBase64)
	}
	hit.score = int(math.Round(100 * (1 - keep)))
	return hit, hits
}

// embeddedFirstWords are the words embeddedRequestRe can start with: the
// verbs, after which it always matches (a word boundary follows a whole
// first word), and the question words, after which it needs the line to
// end in '?'. The regex runs only on lines that begin with a question word
// and end in '?'.
var embeddedFirstWords = func() map[string]embeddedKind {
	m := map[string]embeddedKind{}
	for _, w := range strings.Fields("write provide show help recommend suggest summarize summarise describe analyze analyse determine classify translate list explain generate create compose draft tell give find calculate compare identify outline predict evaluate assess teach convert") {
		m[w] = embeddedVerb
	}
	for _, w := range strings.Fields("how what which why can could would is are") {
		m[w] = embeddedQuestion
	}
	return m
}()

type embeddedKind uint8

const (
	embeddedNone embeddedKind = iota
	embeddedVerb
	embeddedQuestion
)

var embeddedSignal = signal{rule: RuleEmbeddedRequest, weight: 0.5, re: embeddedRequestRe}

// embedded reports lines of a multi-line text that read as a request to an
// assistant.
func (ix *injectionIndex) embedded(r normalize.Result, found func(string)) {
	start := 0
	for k := 0; k <= len(r.Breaks); k++ {
		end := len(r.Text)
		if k < len(r.Breaks) {
			end = r.Breaks[k]
		}
		line := strings.TrimSpace(r.Text[start:min(end, len(r.Text))])
		start = end + 1
		if words := strings.Count(line, " ") + 1; words < 4 || words > 40 {
			continue
		}
		first := line
		if k := strings.IndexByte(line, ' '); k > 0 {
			first = line[:k]
		}
		switch embeddedFirstWords[first] {
		case embeddedVerb:
			found(line)
			return
		case embeddedQuestion:
			if strings.HasSuffix(line, "?") && embeddedRequestRe.MatchString(line) {
				found(line)
				return
			}
		}
	}
}
