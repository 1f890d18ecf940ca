"""Common English words, so that a word that is none of them can be read as a name.

Operators name things with words no dictionary has ("jellyfin", "opnsense", "sidekiq", "mailrelay").
The lexicon knows the infrastructure vocabulary; this list knows the everyday words around it. A word
in neither, in a place where a name or a piece of software goes ("restart X", "a X container", "X keeps
crashing"), is read as one. The list is deliberately broad rather than clever: a missed everyday word
costs a wrong target, which the focus and the guard still catch.
"""

from __future__ import annotations

_WORDS = """
    movie movies music photo photos video videos game games picture pictures song songs film films book books
    movement mode model modern motive mouse mover moving stage stages storm stone stove store story street
    strike string strong student study style subject summer sunny table talent taste teacher theory ticket
    tired title tooth topic tower town track trade train travel tree trick trip trouble truck trust truth
    voice wall water weather weird wheel window winter wonder wood worry writer yard yellow young
    capacity performance throughput angry happy sad upset nervous worried possible impossible fine
    tiny beefy cheap minimal lightweight modest decent proper robust scalable secure external temporary temp
    permanent sandbox toy path paths url urls route routes endpoint endpoints
    roof ceiling floor sky moon charts higher lower bigger smaller faster slower worse better longer shorter
    purpose purposes save saving saved savings cost costs costing schema schemas tables
    rows row column columns records record dataset datasets data query queries
    peak tuesday monday wednesday thursday friday saturday sunday weekend night noon midnight
    hmm hm hmmm huh uh uhh um umm erm meh ugh argh welp whoa wow yikes oof ah ahh aha lol ok
    okay alright weird strange odd normal usual slower faster bigger smaller cheaper pricey expensive
    a about above across actually after again against ago ahead alive all almost alone along already also
    although always am among amount an and another any anybody anyone anything anyway anyways anywhere are
    around as ask asked asking at away back bad badly barely be became because become been before behind being
    below beside best better between big bigger biggest bit both bottom brief briefly bring but by call came
    can cannot careful case cause certain certainly change clear clearly close come comes coming completely
    could couple course current currently day days dead deal dear did different do does doing done double
    during each early easy either else empty end enough entire especially even evening ever every everybody
    everyone everything everywhere exact exactly except extra fact fair fairly far fast few fewer fine first
    five fix fixed for forever four free fresh from front full fully further get gets getting give given go
    goes going gone good got great half happy hard has have having he hello help her here hers hey hi high him
    his hold honest honestly hope hour hours how however huge i idea if important in inside instead into is it
    its itself just keep kind kinda know known large last late later least leave less let lets light like
    likely little long look looks lot lots low made main make many matter may maybe me mean meant meanwhile
    might mind mine minute minutes moment more morning most much must my myself name near nearly need needed
    needs never new next nice night nine no nobody none nope nor not nothing now number of off often oh ok
    okay old on once one ones only onto open or other others our ours out outside over own part past people
    perhaps place please plus point possible pretty probably problem quick quickly quite rather real really
    reason recent recently right round run same saw say says second see seem seems seen self send sent set
    seven several shall she short should show side simple simply since single six small so some somebody
    someone something sometimes somewhere soon sorry sort start started still stuff such sure take taken tell
    ten than thank thanks that the their theirs them then there these they thing things think third this those
    though three through thus till time times to today together told tomorrow tonight too top total totally
    toward try trying turn twice two under unless until up upon us use used useful using usual usually very
    wait want wanted wants was way we week weekend well went were what whatever when whenever where whether
    which while who whole whom whose why will with within without wonder word work working works world would
    wrong yeah year years yes yet you your yours yourself zero ability able access account action active add
    address admin afternoon again agent alert alerts answer anyone app apps area automatic available backup
    basic behaviour big blank board boss box broken budget build bunch business busy button care cause check
    checked checking choice clean client code cold config connection copy cost costs customer customers daily
    dashboard data date default demo dev development device direction doc docs domain email environment error
    errors event events example experiment failure feature file files final folder friday general group guess
    guy guys hand happen happened happens hardware heavy history home host idea image info internal issue
    issues item job jobs key lab language level library limit line link list live load local lock log login
    logs long loop machine mail major manager message metric metrics migration mode model monday money month
    name need network news note office order orders owner page pair part patience person phone plan point
    policy pool port post price private prod production project public quota rate reason region release report
    request rest result rule run runtime safe saturday schedule screen script season second secret security
    service session setting settings setup share shared site size slow software something space spare speed
    sprint staging state static status step storage stuff sunday support system team test testing thing
    thursday ticket tier tool tools traffic tuesday type update user users value version view volume wednesday
    weekend while work worker workers workload
"""
COMMON_WORDS: frozenset[str] = frozenset(_WORDS.split())
